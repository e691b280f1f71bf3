package sqlite_test

import (
	"testing"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// BenchmarkOrder is the provisioning path of the store: an order of 1000
// numbers (reserved with multi-row INSERTs) and its completion (the
// numbers become Unassigned), on an inventory of 200,000 numbers.
func BenchmarkOrder(b *testing.B) {
	const seededN, per = 200_000, 1000
	st := seeded(b, seededN, 0, time.Time{}, sqlstore.Config{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		nums := make([]string, per)
		for j := range nums {
			nums[j] = number(seededN + i*per + j)
		}
		o, err := st.CreatePhoneNumberOrder(bctx, caller, chimevoice.OrderRequest{ProductType: chimevoice.ProductVoiceConnector, E164s: nums})
		if err != nil {
			b.Fatal(err)
		}
		if err := st.RunDue(bctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		got, err := st.GetPhoneNumberOrder(bctx, caller, o.ID)
		if err != nil || got.Status != chimevoice.OrderSuccessful {
			b.Fatal(err, got)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "numbers/s")
}
