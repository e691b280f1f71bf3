package httpapi

// routes registers the handler of every operation chimevoice serves. Each
// area's file starts with its registration, the one place that lists its
// operations; an operation the models define and nothing registers answers
// "not supported" (docs/coverage.md lists them).
func (s *Server) routes() {
	s.registerNumbers()         // Phone numbers
	s.registerOrders()          // Orders and search
	s.registerVoiceConnectors() // Voice Connectors and groups
	s.registerSettings()        // Sub-configurations of Voice Connectors and SIP media applications
	s.registerSipMedia()        // SIP media applications, SIP rules and tags
	s.registerLegacy()          // Legacy Amazon Chime accounts and users
}
