package httpapi

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice"
)

// BenchmarkEncode encodes the answers of the hot paths: a batch delete
// with no errors, and a list page of 100 numbers.
func BenchmarkEncode(b *testing.B) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	page := make([]*chimevoice.PhoneNumber, 100)
	for i := range page {
		page[i] = &chimevoice.PhoneNumber{E164: "+12065550100", Country: "US", Type: chimevoice.NumberLocal, ProductType: chimevoice.ProductVoiceConnector,
			Status: chimevoice.StatusAssigned, CallingNameStatus: chimevoice.CallingNameUnassigned, CreatedAt: now, UpdatedAt: now,
			Associations: []chimevoice.Association{{Name: chimevoice.AssocVoiceConnector, Value: "abcdefghijklmnopqrstuv", AssociatedAt: now}}}
	}
	b.Run("batch-delete", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := json.Marshal(phoneNumberErrors(nil)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("list-page-100", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			out := struct{ PhoneNumbers []phoneNumberOut }{PhoneNumbers: make([]phoneNumberOut, len(page))}
			for j, n := range page {
				out.PhoneNumbers[j] = phoneNumber("us-east-1", n)
			}
			if _, err := json.Marshal(out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
