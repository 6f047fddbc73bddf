package fake

func (s *Server) routeTaskWrites() {}
