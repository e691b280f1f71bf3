package chimevoice

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Services are every service chimevoice serves. A store implements them
// all (sqlstore.Store.Services); the server is built from one value of it,
// and a missing service is an error at construction, never an operation
// that silently answers "not supported".
type Services struct {
	Numbers         PhoneNumberService
	Orders          OrderService
	Admin           AdminService
	VoiceConnectors VoiceConnectorService
	SipMedia        SipMediaService
	Tags            TagService
	Accounts        AccountService
	Settings        SettingsService
	State           StateService
	Stats           StatsService
	// ConsoleSessions keeps web console sessions, shared by every replica.
	ConsoleSessions ConsoleSessionService

	// The rest of the control plane (controlplane.md).
	GlobalSettings      GlobalSettingsService
	VoiceProfileDomains VoiceProfileDomainService
	Proxy               ProxyService
	E911                E911Service
	UserSettings        UserSettingsService
	Calls               CallService           // the PSTN audio service (call.go)
	VoiceAnalytics      VoiceAnalyticsService // speaker search, tone analysis, voice profiles (voiceanalytics.go)
}

// Check reports the services that are missing.
func (s Services) Check() error {
	var errs []error
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"Numbers", s.Numbers != nil}, {"Orders", s.Orders != nil}, {"Admin", s.Admin != nil},
		{"VoiceConnectors", s.VoiceConnectors != nil}, {"SipMedia", s.SipMedia != nil}, {"Tags", s.Tags != nil},
		{"Accounts", s.Accounts != nil}, {"Settings", s.Settings != nil}, {"State", s.State != nil}, {"Stats", s.Stats != nil},
		{"GlobalSettings", s.GlobalSettings != nil}, {"VoiceProfileDomains", s.VoiceProfileDomains != nil}, {"Proxy", s.Proxy != nil},
		{"E911", s.E911 != nil}, {"UserSettings", s.UserSettings != nil},
		{"ConsoleSessions", s.ConsoleSessions != nil},
		{"Calls", s.Calls != nil},
		{"VoiceAnalytics", s.VoiceAnalytics != nil},
	} {
		if !f.set {
			errs = append(errs, errors.New("services: "+f.name+" is not set"))
		}
	}
	return errors.Join(errs...)
}

// StatsService reports the figures monitoring scrapes.
type StatsService interface {
	Stats(ctx context.Context) (Stats, error)
}

// Stats is what the store reports to monitoring.
type Stats struct {
	// Now is the service clock when the figures were read.
	Now time.Time
	// Numbers counts the numbers of every account by status; every status
	// of ProducedStatuses is present, with 0 when no number has it.
	Numbers map[Status]int64
	// OldestQueued is the DeletionTimestamp of the number longest in the
	// Deletion queue; zero when the queue is empty.
	OldestQueued time.Time
	// Purged counts the numbers this process purged since it started.
	Purged int64
	// OrdersCompleted counts the orders this process completed since it
	// started, by outcome (every status of CompletedOrderStatuses present).
	OrdersCompleted map[OrderStatus]int64
	// Read and Write are the connection pool statistics of the read and
	// write database handles (the same handle where the backend has one).
	Read, Write sql.DBStats
}

// CompletedOrderStatuses are the outcomes of a completed order.
var CompletedOrderStatuses = [...]OrderStatus{OrderSuccessful, OrderPartial, OrderFailed}
