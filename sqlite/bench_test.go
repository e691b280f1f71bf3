package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/sqlstore"
)

func BenchmarkBatchDeleteParallel(b *testing.B) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(b.TempDir(), "b.db"), sqlstore.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	c := chimevoice.Caller{AccountID: "000000000000"}
	n := b.N + 1000
	var nums []string
	for i := 0; i < n; i += 1000 {
		var batch []string
		for j := i; j < min(n, i+1000); j++ {
			batch = append(batch, fmt.Sprintf("+1206%07d", 2000000+j))
		}
		if _, err := st.CreatePhoneNumberOrder(ctx, c, chimevoice.OrderRequest{ProductType: chimevoice.ProductVoiceConnector, E164s: batch}); err != nil {
			b.Fatal(err)
		}
		nums = append(nums, batch...)
	}
	if err := st.RunDue(ctx); err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			errs, err := st.BatchDeletePhoneNumbers(ctx, c, []chimevoice.BatchID{{Raw: nums[i], E164: nums[i]}})
			if err != nil || len(errs) > 0 {
				b.Fatal(err, errs)
			}
		}
	})
}
