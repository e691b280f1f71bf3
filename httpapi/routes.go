package httpapi

import "github.com/chimevoice/chimevoice"

// routes registers the handler of every operation chimevoice serves, area
// by area: this is the one place that says which operations exist. An
// operation the models define and nothing registers answers "not
// supported" (docs/coverage.md lists them).
func (s *Server) routes() {
	svc := s.svc

	// Phone numbers (numbers.go).
	s.handle("GetPhoneNumber", op(s.getPhoneNumber))
	s.handle("ListPhoneNumbers", op(s.listPhoneNumbers))
	s.handle("UpdatePhoneNumber", op(s.updatePhoneNumber))
	s.handle("BatchUpdatePhoneNumber", op(s.batchUpdatePhoneNumber))
	s.handle("DeletePhoneNumber", op(s.deletePhoneNumber))
	s.handle("BatchDeletePhoneNumber", op(s.batchDeletePhoneNumber))
	s.handle("RestorePhoneNumber", op(s.restorePhoneNumber))
	s.handle("GetPhoneNumberSettings", op(s.getPhoneNumberSettings))
	s.handle("UpdatePhoneNumberSettings", op(s.updatePhoneNumberSettings))

	// Orders and search (orders.go).
	s.handle("CreatePhoneNumberOrder", op(s.createPhoneNumberOrder))
	s.handle("GetPhoneNumberOrder", getter("PhoneNumberOrderId", svc.Orders.GetPhoneNumberOrder, orderOutput))
	s.handle("ListPhoneNumberOrders", op(s.listPhoneNumberOrders))
	s.handle("SearchAvailablePhoneNumbers", op(s.searchAvailablePhoneNumbers))
	s.handle("ListSupportedPhoneNumberCountries", op(s.listSupportedPhoneNumberCountries))

	// Voice Connectors and groups (voiceconnectors.go).
	vc := svc.VoiceConnectors
	s.handle("CreateVoiceConnector", op(s.createVoiceConnector))
	s.handle("GetVoiceConnector", getter("VoiceConnectorId", vc.GetVoiceConnector, voiceConnectorOutput))
	s.handle("ListVoiceConnectors", lister("VoiceConnectors", vc.ListVoiceConnectors, voiceConnector))
	s.handle("UpdateVoiceConnector", op(s.updateVoiceConnector))
	s.handle("DeleteVoiceConnector", deleter("VoiceConnectorId", vc.DeleteVoiceConnector))
	s.handle("ListAvailableVoiceConnectorRegions", op(s.listAvailableVoiceConnectorRegions))
	s.handle("CreateVoiceConnectorGroup", op(s.createVoiceConnectorGroup))
	s.handle("GetVoiceConnectorGroup", getter("VoiceConnectorGroupId", vc.GetVoiceConnectorGroup, voiceConnectorGroupOutput))
	s.handle("ListVoiceConnectorGroups", lister("VoiceConnectorGroups", vc.ListVoiceConnectorGroups, voiceConnectorGroup))
	s.handle("UpdateVoiceConnectorGroup", op(s.updateVoiceConnectorGroup))
	s.handle("DeleteVoiceConnectorGroup", deleter("VoiceConnectorGroupId", vc.DeleteVoiceConnectorGroup))
	s.handle("AssociatePhoneNumbersWithVoiceConnector", associate(chimevoice.AssocVoiceConnector, vc.AssociatePhoneNumbers))
	s.handle("AssociatePhoneNumbersWithVoiceConnectorGroup", associate(chimevoice.AssocVoiceConnectorGroup, vc.AssociatePhoneNumbers))
	s.handle("DisassociatePhoneNumbersFromVoiceConnector", associate(chimevoice.AssocVoiceConnector, vc.DisassociatePhoneNumbers))
	s.handle("DisassociatePhoneNumbersFromVoiceConnectorGroup", associate(chimevoice.AssocVoiceConnectorGroup, vc.DisassociatePhoneNumbers))

	// Sub-configurations of Voice Connectors and SIP media applications (settings.go).
	s.registerSettings()
	s.handle("PutVoiceConnectorTerminationCredentials", s.terminationCredentials(addUsernames))
	s.handle("DeleteVoiceConnectorTerminationCredentials", s.terminationCredentials(removeUsernames))
	s.handle("ListVoiceConnectorTerminationCredentials", op(s.listTerminationCredentials))

	// SIP media applications, SIP rules and tags (sipmedia.go).
	sm := svc.SipMedia
	s.handle("CreateSipMediaApplication", op(s.createSipMediaApplication))
	s.handle("GetSipMediaApplication", getter("SipMediaApplicationId", sm.GetSipMediaApplication, sipMediaApplicationOutput))
	s.handle("ListSipMediaApplications", lister("SipMediaApplications", sm.ListSipMediaApplications, sipMediaApplication))
	s.handle("UpdateSipMediaApplication", op(s.updateSipMediaApplication))
	s.handle("DeleteSipMediaApplication", deleter("SipMediaApplicationId", sm.DeleteSipMediaApplication))
	s.handle("CreateSipRule", op(s.createSipRule))
	s.handle("GetSipRule", getter("SipRuleId", sm.GetSipRule, sipRuleOutput))
	s.handle("ListSipRules", op(s.listSipRules))
	s.handle("UpdateSipRule", op(s.updateSipRule))
	s.handle("DeleteSipRule", deleter("SipRuleId", sm.DeleteSipRule))
	s.handle("TagResource", op(s.tagResource))
	s.handle("UntagResource", op(s.untagResource))
	s.handle("ListTagsForResource", op(s.listTagsForResource))

	// Legacy Amazon Chime accounts and users (legacy.go).
	a := svc.Accounts
	s.handle("CreateAccount", op(s.createAccount))
	s.handle("GetAccount", getter("AccountId", a.GetAccount, accountOutput))
	s.handle("ListAccounts", op(s.listAccounts))
	s.handle("UpdateAccount", op(s.updateAccount))
	s.handle("DeleteAccount", deleter("AccountId", a.DeleteAccount))
	s.handle("CreateUser", op(s.createUser))
	s.handle("InviteUsers", op(s.inviteUsers))
	s.handle("GetUser", op(s.getUser))
	s.handle("ListUsers", op(s.listUsers))
	s.handle("UpdateUser", op(s.updateUser))
	s.handle("AssociatePhoneNumberWithUser", op(s.associatePhoneNumberWithUser))
	s.handle("DisassociatePhoneNumberFromUser", op(s.disassociatePhoneNumberFromUser))
}
