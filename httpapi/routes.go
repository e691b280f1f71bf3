package httpapi

// routes registers the handler of every operation chimevoice serves. Each
// area's file starts with its registration, the one place that lists its
// operations; an operation the models define and nothing registers answers
// "not supported" (docs/coverage.md lists them).
func (s *Server) routes() {
	s.registerNumbers()             // Phone numbers
	s.registerOrders()              // Orders and search
	s.registerVoiceConnectors()     // Voice Connectors and groups
	s.registerSettings()            // Sub-configurations of Voice Connectors and SIP media applications
	s.registerSipMedia()            // SIP media applications, SIP rules and tags
	s.registerLegacy()              // Legacy Amazon Chime accounts and users
	s.registerGlobalSettings()      // Global settings (globalsettings.go)
	s.registerTerminationHealth()   // Voice Connector termination health (terminationhealth.go)
	s.registerVoiceProfileDomains() // Voice profile domains (voiceprofiledomains.go)
	s.registerProxy()               // Proxy configuration and sessions, deprecated by AWS (proxy.go)
	s.registerE911()                // E911 address validation (e911.go)
	s.registerUserSettings()        // Legacy users' telephony settings (usersettings.go)
	s.registerCalls()               // Calls of SIP media applications (PSTN audio, calls.go)
	s.registerVoiceAnalytics()      // Speaker search, voice tone analysis, voice profiles (voiceanalytics.go)
}
