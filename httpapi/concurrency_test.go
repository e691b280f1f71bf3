package httpapi_test

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

// TestConcurrentDeleteRestore has many goroutines delete and restore the
// same numbers at once, then checks the invariants: every number in
// exactly one valid state, the last acknowledged action of each number is
// what the store holds, and no request failed with a 5xx.
func TestConcurrentDeleteRestore(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		nums := srv.Provision(t, srv.Voice, "720", 20, vtypes.PhoneNumberProductTypeVoiceConnector)

		const workers, rounds = 16, 25
		// Each number's acknowledged operations are serialized through its
		// own lock so that "last acknowledged" is well defined; the store
		// still sees up to 16 concurrent requests on overlapping numbers.
		locks := make([]sync.Mutex, len(nums))
		queued := make([]bool, len(nums))
		var wg sync.WaitGroup
		errs := make(chan error, workers*rounds)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(seed uint64) {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(seed, 1))
				for r := 0; r < rounds; r++ {
					// A batch of 1–4 numbers, locked in index order.
					picked := rng.Perm(len(nums))[:1+rng.IntN(4)]
					sortInts(picked)
					for _, i := range picked {
						locks[i].Lock()
					}
					ids := make([]string, len(picked))
					for k, i := range picked {
						ids[k] = nums[i]
					}
					if rng.IntN(2) == 0 {
						out, err := srv.Voice.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: ids})
						if err != nil {
							errs <- err
						} else if len(out.PhoneNumberErrors) > 0 {
							errs <- errorf("delete %v: %+v", ids, out.PhoneNumberErrors)
						} else {
							for _, i := range picked {
								queued[i] = true
							}
						}
					} else {
						for _, i := range picked {
							_, err := srv.Voice.RestorePhoneNumber(ctx, &chimesdkvoice.RestorePhoneNumberInput{PhoneNumberId: aws.String(nums[i])})
							switch {
							case err == nil:
								queued[i] = false
							case queued[i]:
								errs <- err // restoring a queued number must succeed
							default:
								if msg := apiErrorCode(err); msg != "BadRequestException" {
									errs <- err
								}
							}
						}
					}
					for _, i := range picked {
						locks[i].Unlock()
					}
				}
			}(uint64(w))
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		for i, n := range nums {
			got := getNumber(t, srv, n)
			want := vtypes.PhoneNumberStatusUnassigned
			if queued[i] {
				want = vtypes.PhoneNumberStatusDeleteInProgress
			}
			if got.Status != want || (got.DeletionTimestamp != nil) != queued[i] {
				t.Errorf("%s: status %s deletion %v, want %s", n, got.Status, got.DeletionTimestamp, want)
			}
		}

		// Free-for-all: the same numbers hit by every goroutine at once,
		// without any client-side ordering. Every answer must be a success
		// or the one expected refusal, and every number must end in exactly
		// one valid state.
		var wg2 sync.WaitGroup
		bad := make(chan error, workers*rounds*4)
		for w := 0; w < workers; w++ {
			wg2.Add(1)
			go func(seed uint64) {
				defer wg2.Done()
				rng := rand.New(rand.NewPCG(seed, 2))
				for r := 0; r < rounds; r++ {
					i := rng.IntN(4) // four hot numbers
					if rng.IntN(2) == 0 {
						out, err := srv.Voice.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: nums[:4]})
						if err != nil || len(out.PhoneNumberErrors) > 0 {
							bad <- errorf("delete: %v %+v", err, out)
						}
					} else if _, err := srv.Voice.RestorePhoneNumber(ctx, &chimesdkvoice.RestorePhoneNumberInput{PhoneNumberId: aws.String(nums[i])}); err != nil && apiErrorCode(err) != "BadRequestException" {
						bad <- err
					}
				}
			}(uint64(100 + w))
		}
		wg2.Wait()
		close(bad)
		for err := range bad {
			t.Error(err)
		}
		for _, n := range nums[:4] {
			got := getNumber(t, srv, n)
			switch got.Status {
			case vtypes.PhoneNumberStatusUnassigned:
				if got.DeletionTimestamp != nil {
					t.Errorf("%s: Unassigned with a DeletionTimestamp", n)
				}
			case vtypes.PhoneNumberStatusDeleteInProgress:
				if got.DeletionTimestamp == nil {
					t.Errorf("%s: queued without a DeletionTimestamp", n)
				}
			default:
				t.Errorf("%s: status %s", n, got.Status)
			}
		}
	})
}
