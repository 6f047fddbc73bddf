package fake

func (s *Server) routeScripts() {}
