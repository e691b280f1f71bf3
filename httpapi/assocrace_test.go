package httpapi_test

import (
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

// TestAssociateDeleteRace runs associates, disassociates, deletes and
// restores of the same numbers, and deletes of the Voice Connectors and
// groups they are associated with, from many goroutines, then checks that
// no number is both associated and in the Deletion queue, that every
// status follows the associations, and that no association points at a
// deleted Voice Connector or group.
func TestAssociateDeleteRace(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		v := srv.Voice
		nums := srv.Provision(t, v, "206", 16, vcProduct)

		// targets holds the live Voice Connectors and groups; goroutines
		// delete them and create new ones.
		var mu sync.Mutex
		type target struct{ id, kind string }
		var targets []target
		deleted := map[string]bool{}
		// newTarget creates a Voice Connector or group; it runs on the
		// workers' goroutines, so it reports rather than fails.
		newTarget := func(i int) error {
			tg := target{kind: "vc"}
			if i%2 == 0 {
				out, err := v.CreateVoiceConnector(bg, &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String(fmt.Sprint("vc-", i)), RequireEncryption: aws.Bool(true)})
				if err != nil {
					return err
				}
				tg.id = aws.ToString(out.VoiceConnector.VoiceConnectorId)
			} else {
				out, err := v.CreateVoiceConnectorGroup(bg, &chimesdkvoice.CreateVoiceConnectorGroupInput{Name: aws.String(fmt.Sprint("g-", i))})
				if err != nil {
					return err
				}
				tg.id, tg.kind = aws.ToString(out.VoiceConnectorGroup.VoiceConnectorGroupId), "group"
			}
			mu.Lock()
			targets = append(targets, tg)
			mu.Unlock()
			return nil
		}
		for i := 0; i < 4; i++ {
			chimevoicetest.Must(t, newTarget(i), "create target %d", i)
		}
		pick := func(r *rand.Rand) target {
			mu.Lock()
			defer mu.Unlock()
			return targets[r.Intn(len(targets))]
		}
		some := func(r *rand.Rand) []string {
			out := []string{}
			for _, i := range r.Perm(len(nums))[:1+r.Intn(4)] {
				out = append(out, nums[i])
			}
			return out
		}

		const workers, ops = 8, 40
		var wg sync.WaitGroup
		errs := make(chan error, workers*ops)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				r := rand.New(rand.NewSource(int64(w)))
				for i := 0; i < ops; i++ {
					tg := pick(r)
					var err error
					switch op := r.Intn(10); {
					case op < 3 && tg.kind == "vc":
						_, err = v.AssociatePhoneNumbersWithVoiceConnector(bg, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorInput{VoiceConnectorId: aws.String(tg.id), E164PhoneNumbers: some(r), ForceAssociate: aws.Bool(r.Intn(2) == 0)})
					case op < 3:
						_, err = v.AssociatePhoneNumbersWithVoiceConnectorGroup(bg, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(tg.id), E164PhoneNumbers: some(r), ForceAssociate: aws.Bool(r.Intn(2) == 0)})
					case op < 4 && tg.kind == "vc":
						_, err = v.DisassociatePhoneNumbersFromVoiceConnector(bg, &chimesdkvoice.DisassociatePhoneNumbersFromVoiceConnectorInput{VoiceConnectorId: aws.String(tg.id), E164PhoneNumbers: some(r)})
					case op < 4:
						_, err = v.DisassociatePhoneNumbersFromVoiceConnectorGroup(bg, &chimesdkvoice.DisassociatePhoneNumbersFromVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(tg.id), E164PhoneNumbers: some(r)})
					case op < 6:
						_, err = v.BatchDeletePhoneNumber(bg, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: some(r)})
					case op < 7:
						_, err = v.RestorePhoneNumber(bg, &chimesdkvoice.RestorePhoneNumberInput{PhoneNumberId: aws.String(some(r)[0])})
					case op < 8:
						_, err = v.DeletePhoneNumber(bg, &chimesdkvoice.DeletePhoneNumberInput{PhoneNumberId: aws.String(some(r)[0])})
					default:
						if tg.kind == "vc" {
							_, err = v.DeleteVoiceConnector(bg, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: aws.String(tg.id)})
						} else {
							_, err = v.DeleteVoiceConnectorGroup(bg, &chimesdkvoice.DeleteVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(tg.id)})
						}
						if err == nil {
							mu.Lock()
							deleted[tg.id] = true
							mu.Unlock()
							err = newTarget(w*ops + i)
						}
					}
					if err != nil && !expectedRaceError(err) {
						errs <- err
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("unexpected error: %v", err)
		}

		out, err := v.ListPhoneNumbers(bg, &chimesdkvoice.ListPhoneNumbersInput{})
		chimevoicetest.Must(t, err, "list")
		if len(out.PhoneNumbers) != len(nums) {
			t.Fatalf("listed %d numbers, want %d", len(out.PhoneNumbers), len(nums))
		}
		associated := 0
		for _, n := range out.PhoneNumbers {
			id := aws.ToString(n.E164PhoneNumber)
			switch {
			case n.Status == vtypes.PhoneNumberStatusDeleteInProgress && len(n.Associations) > 0:
				t.Errorf("%s is in the Deletion queue with associations %+v", id, n.Associations)
			case n.Status == vtypes.PhoneNumberStatusAssigned && len(n.Associations) != 1:
				t.Errorf("%s is Assigned with %d associations", id, len(n.Associations))
			case n.Status == vtypes.PhoneNumberStatusUnassigned && len(n.Associations) != 0:
				t.Errorf("%s is Unassigned with associations", id)
			}
			for _, a := range n.Associations {
				associated++
				val := aws.ToString(a.Value)
				if deleted[val] {
					t.Errorf("%s is associated with deleted %s %s", id, a.Name, val)
				}
				if a.Name == vtypes.PhoneNumberAssociationNameVoiceConnectorId {
					_, err = v.GetVoiceConnector(bg, &chimesdkvoice.GetVoiceConnectorInput{VoiceConnectorId: a.Value})
				} else {
					_, err = v.GetVoiceConnectorGroup(bg, &chimesdkvoice.GetVoiceConnectorGroupInput{VoiceConnectorGroupId: a.Value})
				}
				if err != nil {
					t.Errorf("%s is associated with %s %s: %v", id, a.Name, val, err)
				}
			}
		}
		t.Logf("%d of %d numbers associated at the end; %d Voice Connectors and groups deleted", associated, len(nums), len(deleted))
	})
}

// expectedRaceError reports whether err is one of the refusals the race
// provokes on purpose: a deleted target (404), a target with numbers
// (409), a number associated or not in the queue (400).
func expectedRaceError(err error) bool {
	for _, shape := range []string{"NotFoundException", "ConflictException", "BadRequestException"} {
		if apiShape(err) == shape {
			return true
		}
	}
	return false
}
