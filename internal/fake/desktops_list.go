package fake

func (s *Server) routeDesktopsList() {}
