package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/postgres"
	"github.com/chimevoice/chimevoice/postgres/pgtest"
)

// ackLog records what the servers acknowledged, per account.
type ackLog struct {
	mu       sync.Mutex
	orders   map[string]string // order ID -> account
	deleted  map[string]bool   // account/e164 acknowledged deleted at least once
	restored map[string]bool   // account/e164 acknowledged restored at least once
}

func (l *ackLog) add(m map[string]bool, account, e164 string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	m[account+"/"+e164] = true
}

// TestReplicas runs three server processes on one PostgreSQL database and
// drives concurrent, conflicting load through all of them with the SDK: two
// accounts ordering the same numbers, deleting and restoring them, and the
// clock moved through the admin API of any replica (which purges). Then it
// checks that every acknowledged change is there, that no number is in two
// accounts or two states, that every purge is recorded once and every order
// completed once, and that no request got a 5xx.
func TestReplicas(t *testing.T) {
	url := pgtest.Database(t)
	accounts := []string{"111111111111", "222222222222"}
	creds := writeCredentials(t, accounts...)
	const replicas = 3
	procs := make([]*process, replicas)
	for i := range procs {
		// Started together: they migrate the empty database at once.
		procs[i] = launch(t, "--database-url", url, "--credentials", creds, "--deletion-retention", "1h")
	}
	for _, p := range procs {
		p.waitListening(t)
	}
	var wg sync.WaitGroup
	counter := &statusCounter{next: http.DefaultTransport}
	hc := &http.Client{Transport: counter, Timeout: 30 * time.Second}
	client := func(replica int, account string) *chimesdkvoice.Client {
		return voiceClient(procs[replica].URL, "key-"+account, "secret", hc)
	}
	ctx := context.Background()

	found, err := client(0, accounts[0]).SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206"), MaxResults: aws.Int32(40)})
	if err != nil || len(found.E164PhoneNumbers) != 40 {
		t.Fatalf("search: %v (%d numbers)", err, len(found.E164PhoneNumbers))
	}
	nums := found.E164PhoneNumbers
	// Each account has a Voice Connector its workers associate numbers
	// with and disassociate them from, on every replica.
	vcs := map[string]string{}
	for _, account := range accounts {
		vc, err := client(0, account).CreateVoiceConnector(ctx, &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String("vc-" + account), RequireEncryption: aws.Bool(false)})
		if err != nil {
			t.Fatalf("create voice connector: %v", err)
		}
		vcs[account] = *vc.VoiceConnector.VoiceConnectorId
	}
	acks := &ackLog{orders: map[string]string{}, deleted: map[string]bool{}, restored: map[string]bool{}}

	// Load: every (replica, account) pair runs a worker of random,
	// conflicting operations over the same 40 numbers.
	const rounds = 30
	errs := make(chan error, replicas*len(accounts)+1)
	for r := range replicas {
		for a, account := range accounts {
			wg.Go(func() {
				c := client(r, account)
				rng := rand.New(rand.NewPCG(uint64(r), uint64(a)))
				// pick returns n distinct numbers (batches refuse duplicates).
				pick := func(n int) []string {
					out := make([]string, n)
					for i, k := range rng.Perm(len(nums))[:n] {
						out[i] = nums[k]
					}
					return out
				}
				for range rounds {
					switch rng.IntN(5) {
					case 0:
						batch := pick(5)
						o, err := c.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: vtypes.PhoneNumberProductTypeVoiceConnector, E164PhoneNumbers: batch})
						if err != nil {
							errs <- fmt.Errorf("order on replica %d: %w", r, err)
							return
						}
						acks.mu.Lock()
						acks.orders[*o.PhoneNumberOrder.PhoneNumberOrderId] = account
						acks.mu.Unlock()
					case 1:
						batch := pick(10)
						out, err := c.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: batch})
						if err != nil {
							errs <- fmt.Errorf("batch delete on replica %d: %w", r, err)
							return
						}
						failed := map[string]bool{}
						for _, e := range out.PhoneNumberErrors {
							failed[*e.PhoneNumberId] = true
						}
						for _, n := range batch {
							if !failed[n] {
								acks.add(acks.deleted, account, n)
							}
						}
					case 2:
						n := pick(1)[0]
						_, err := c.RestorePhoneNumber(ctx, &chimesdkvoice.RestorePhoneNumberInput{PhoneNumberId: aws.String(n)})
						var nf *vtypes.NotFoundException
						var br *vtypes.BadRequestException
						switch {
						case err == nil:
							acks.add(acks.restored, account, n)
						case errors.As(err, &nf), errors.As(err, &br):
						default:
							errs <- fmt.Errorf("restore on replica %d: %w", r, err)
							return
						}
					case 3:
						// Per-number refusals (not owned, queued, acquiring) are fine.
						if _, err := c.AssociatePhoneNumbersWithVoiceConnector(ctx, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorInput{
							VoiceConnectorId: aws.String(vcs[account]), E164PhoneNumbers: pick(3), ForceAssociate: aws.Bool(false)}); err != nil {
							errs <- fmt.Errorf("associate on replica %d: %w", r, err)
							return
						}
					case 4:
						if _, err := c.DisassociatePhoneNumbersFromVoiceConnector(ctx, &chimesdkvoice.DisassociatePhoneNumbersFromVoiceConnectorInput{
							VoiceConnectorId: aws.String(vcs[account]), E164PhoneNumbers: pick(3)}); err != nil {
							errs <- fmt.Errorf("disassociate on replica %d: %w", r, err)
							return
						}
					}
				}
			})
		}
	}
	// The clock moves through every replica in turn while the load runs:
	// numbers deleted early are purged (retention 1h) by whichever replica.
	wg.Go(func() {
		for i := range 6 {
			code, body, err := admin(ctx, hc, http.MethodPost, procs[i%replicas].URL+"/_chimevoice/clock", map[string]string{"Advance": "20m"})
			if err != nil || code != http.StatusOK {
				errs <- fmt.Errorf("advance clock on replica %d: %d %s %v", i%replicas, code, body, err)
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	// Quiesce: complete every order and purge everything deleted.
	if code, body, err := admin(ctx, hc, http.MethodPost, procs[1].URL+"/_chimevoice/clock", map[string]string{"Advance": "2h"}); err != nil || code != http.StatusOK {
		t.Fatalf("final advance: %d %s %v", code, body, err)
	}

	// Every replica reports the same clock.
	var clocks []string
	for _, p := range procs {
		_, body, err := admin(ctx, hc, http.MethodGet, p.URL+"/_chimevoice/clock", nil)
		if err != nil {
			t.Fatalf("clock: %v", err)
		}
		clocks = append(clocks, string(body[:len(`{"Now":"2026-11-22T10`)]))
	}
	if clocks[0] != clocks[1] || clocks[1] != clocks[2] {
		t.Errorf("replicas disagree on the clock: %v", clocks)
	}

	// Who owns what, seen through each replica in turn.
	owner := map[string]string{}
	owned := map[string]vtypes.PhoneNumber{}
	for a, account := range accounts {
		p := chimesdkvoice.NewListPhoneNumbersPaginator(client(a%replicas, account), &chimesdkvoice.ListPhoneNumbersInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			for _, n := range page.PhoneNumbers {
				if prev, ok := owner[*n.E164PhoneNumber]; ok {
					t.Errorf("%s is in accounts %s and %s", *n.E164PhoneNumber, prev, account)
				}
				owner[*n.E164PhoneNumber] = account
				owned[*n.E164PhoneNumber] = n
				// Every order completed and every deletion purged; a number
				// is Assigned exactly when it is associated, and only with
				// its own account's Voice Connector.
				switch {
				case n.Status == vtypes.PhoneNumberStatusUnassigned && len(n.Associations) == 0:
				case n.Status == vtypes.PhoneNumberStatusAssigned && len(n.Associations) == 1 &&
					n.Associations[0].Name == vtypes.PhoneNumberAssociationNameVoiceConnectorId && *n.Associations[0].Value == vcs[account]:
				default:
					t.Errorf("%s: status %s, associations %+v after all work ran (deleted %v)", *n.E164PhoneNumber, n.Status, n.Associations, n.DeletionTimestamp)
				}
			}
		}
	}

	db, err := postgres.OpenDB(ctx, url)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	defer db.Close()
	purged := map[string]bool{}
	rows, err := db.QueryContext(ctx, `SELECT account_id, e164, deleted_at, COUNT(*) FROM purge_log GROUP BY account_id, e164, deleted_at`)
	if err != nil {
		t.Fatalf("read purge log: %v", err)
	}
	for rows.Next() {
		var account, e164 string
		var deletedAt, count int64
		if err := rows.Scan(&account, &e164, &deletedAt, &count); err != nil {
			t.Fatalf("scan purge log: %v", err)
		}
		if count != 1 {
			t.Errorf("%s (account %s, deleted at %d) purged %d times", e164, account, deletedAt, count)
		}
		purged[account+"/"+e164] = true
	}
	rows.Close()
	if len(purged) == 0 {
		t.Error("nothing was purged: the load did not exercise purge")
	}

	// Every acknowledged delete ended in a purge, unless the same account
	// restored the number afterwards (then it still owns it).
	for key := range acks.deleted {
		account, e164 := key[:12], key[13:]
		if !purged[key] && !(acks.restored[key] && owner[e164] == account) {
			t.Errorf("%s: acknowledged deleted by %s, but neither purged nor restored", e164, account)
		}
	}
	// Every acknowledged order completed once: it is no longer Processing,
	// and every number owned through it is Acquired in it (an order
	// completed twice would have marked its own numbers Failed).
	for id, account := range acks.orders {
		o, err := client(2, account).GetPhoneNumberOrder(ctx, &chimesdkvoice.GetPhoneNumberOrderInput{PhoneNumberOrderId: aws.String(id)})
		if err != nil {
			t.Errorf("acknowledged order %s: %v", id, err)
			continue
		}
		if o.PhoneNumberOrder.Status == vtypes.PhoneNumberOrderStatusProcessing {
			t.Errorf("order %s still Processing", id)
		}
		for _, item := range o.PhoneNumberOrder.OrderedPhoneNumbers {
			n, ok := owned[*item.E164PhoneNumber]
			if ok && owner[*item.E164PhoneNumber] == account && *n.OrderId == id && item.Status != vtypes.OrderedPhoneNumberStatusAcquired {
				t.Errorf("order %s: %s is owned through it but its item is %s", id, *item.E164PhoneNumber, item.Status)
			}
		}
	}
	if n := counter.c5x.Load() + counter.c503.Load(); n != 0 {
		t.Errorf("%d responses were 5xx", n)
	}
	assigned := 0
	for _, n := range owned {
		if n.Status == vtypes.PhoneNumberStatusAssigned {
			assigned++
		}
	}
	t.Logf("%d ok, %d 4xx; %d orders, %d numbers owned (%d associated), %d purged", counter.ok.Load(), counter.c4xx.Load(), len(acks.orders), len(owner), assigned, len(purged))
}
