package console_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

// chromium finds a Chromium binary: $CHIMEVOICE_CHROMIUM, else the usual
// names on PATH (Debian's package installs /usr/bin/chromium).
func chromium() string {
	if p := os.Getenv("CHIMEVOICE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts headless Chromium for the test and returns a tab.
// Without a Chromium binary the test is skipped, unless
// CHIMEVOICE_REQUIRE_BROWSER=1 (as in CI) makes that a failure.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromium()
	if path == "" {
		if os.Getenv("CHIMEVOICE_REQUIRE_BROWSER") == "1" {
			t.Fatal("no Chromium binary found (install Debian's chromium package or set CHIMEVOICE_CHROMIUM), and CHIMEVOICE_REQUIRE_BROWSER=1")
		}
		t.Skip("no Chromium binary found: install chromium to run the browser test")
	}
	profile := t.TempDir() // removed after the browser has exited (cleanups run last-in, first-out)
	// Chromium makes its singleton socket's directory in TMPDIR and leaves
	// it behind when stopped by a signal: give it one that is removed too.
	tmp := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.Env("TMPDIR="+tmp),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		// Chromium otherwise phones home; on a closed network those
		// connections are refused and slow it down.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 800),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for Chromium to exit
	})
	// The first call starts the browser; it must not carry the deadline,
	// which would stop the browser with it.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	// Script errors and console errors (a CSP violation, a failed load)
	// fail the test.
	var mu sync.Mutex
	var problems []string
	err := chromedp.Listen(tab, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				problems = append(problems, ev.Entry.Text+" "+ev.Entry.URL)
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, ev.ExceptionDetails.Text)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("browser console: %s", p)
		}
	})
	ctx, cancel := context.WithTimeout(tab, 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// do runs browser actions that do not leave the page.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
}

// load runs actions that end by loading a page (a link, a form) and
// waits until it has loaded; the page must answer 200.
func load(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
	if resp.Status != 200 {
		t.Fatalf("browser: %s: %s answered %d", what, resp.URL, resp.Status)
	}
}

// value runs one browser action that returns a value.
func value[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// mainText returns the text of the page's <main>.
func mainText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return value(t, ctx, "read the page", chromedp.Text(chromedp.CSS("main")))
}

// TestBrowserDeleteRestorePurge is what a new user does: sign in, find a
// number, delete it with the confirmation, see it in the Deletion queue
// with its time left, restore it, delete it again, advance the service
// clock through the admin API and see it gone — in headless Chromium,
// with the keyboard where a person would type.
func TestBrowserDeleteRestorePurge(t *testing.T) {
	ctx := newBrowser(t)
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	nums := sorted(srv.Provision(t, srv.Voice, "206", 8, vcProduct))
	target := nums[2]
	digits := strings.TrimPrefix(target, "+")

	// Two numbers deleted earlier through the API, so the queue shows
	// different times left.
	for _, n := range []string{nums[5], nums[7]} {
		_, err := srv.Voice.BatchDeletePhoneNumber(bg, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: []string{n}})
		chimevoicetest.Must(t, err, "delete %s", n)
		srv.Advance(t, 41*time.Hour+17*time.Minute)
	}

	// Sign in, typing and pressing Enter.
	load(t, ctx, "open the console", chromedp.Navigate(srv.URL+"/console"))
	load(t, ctx, "sign in",
		chromedp.SendKeys(chromedp.ID("access_key"), "test"),
		chromedp.SendKeys(chromedp.ID("secret"), "test"+kb.Enter),
	)
	if txt := mainText(t, ctx); !strings.Contains(txt, target) {
		t.Fatalf("inventory does not list %s:\n%s", target, txt)
	}

	// Find the number by searching its start, then select and delete it.
	load(t, ctx, "search", chromedp.SendKeys(chromedp.ID("q"), target[:10]+kb.Enter))
	found := value(t, ctx, "read the rows", chromedp.Evaluate[[]string](`[...document.querySelectorAll('tbody th[scope=row]')].map(e => e.textContent.trim())`))
	if len(found) == 0 || !slices.Contains(found, target) {
		t.Fatalf("search %s found %v", target[:10], found)
	}
	for _, n := range found {
		if !strings.HasPrefix(n, target[:10]) {
			t.Fatalf("search %s found %s", target[:10], n)
		}
	}
	// The page's script offers "select every number on this page".
	count := func(sel string) int {
		return value(t, ctx, "count "+sel, chromedp.Evaluate[int](`document.querySelectorAll('`+sel+`').length`))
	}
	do(t, ctx, "select all", chromedp.Click(chromedp.ID("select-all")))
	if all, checked := count(`#selection input[name=number]`), count(`#selection input[name=number]:checked`); all == 0 || checked != all {
		t.Fatalf("select all checked %d of %d numbers", checked, all)
	}
	do(t, ctx, "select none", chromedp.Click(chromedp.ID("select-all")))
	if checked := count(`#selection input[name=number]:checked`); checked != 0 {
		t.Fatalf("select all, twice, left %d numbers checked", checked)
	}
	load(t, ctx, "select and open the confirmation",
		chromedp.Click(chromedp.ID("sel-"+digits)),
		chromedp.Click(chromedp.ID("delete-selected")),
	)
	if txt := mainText(t, ctx); !strings.Contains(txt, "You are about to delete 1 phone number") || !strings.Contains(txt, target) || !strings.Contains(txt, "I understand the impact of this action") {
		t.Fatalf("confirmation page:\n%s", txt)
	}
	// With the keyboard: Space checks the box, Enter on the button deletes.
	load(t, ctx, "confirm with the keyboard",
		chromedp.Focus(chromedp.ID("confirm")),
		chromedp.KeyEvent(" "),
		chromedp.Focus(chromedp.ID("delete-confirmed")),
		chromedp.KeyEvent(kb.Enter),
	)
	txt := mainText(t, ctx)
	for _, want := range []string{"Moved 1 phone number to the Deletion queue", target, "7 days 0 hours", nums[5], "3 days 13 hours", nums[7], "5 days 6 hours"} {
		if !strings.Contains(txt, want) {
			t.Fatalf("Deletion queue lacks %q:\n%s", want, txt)
		}
	}
	if os.Getenv("CHIMEVOICE_SCREENSHOT") == "1" {
		png := value(t, ctx, "screenshot", chromedp.FullScreenshot(100))
		out := filepath.Join("..", "docs", "console.png")
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", out, len(png))
	}

	// Restore it.
	load(t, ctx, "restore", chromedp.Click(chromedp.ID("restore-"+digits)))
	if txt := mainText(t, ctx); !strings.Contains(txt, "Restored "+target) {
		t.Fatalf("after restore:\n%s", txt)
	}
	if count("#restore-"+digits) != 0 {
		t.Fatalf("%s is still in the queue after restore", target)
	}

	// Delete it again, from its own page.
	load(t, ctx, "open the number", chromedp.Navigate(srv.URL+"/console/numbers/"+target))
	load(t, ctx, "delete again", chromedp.Click(chromedp.ID("delete-link")))
	load(t, ctx, "confirm", chromedp.Click(chromedp.ID("confirm")), chromedp.Click(chromedp.ID("delete-confirmed")))
	if txt := mainText(t, ctx); !strings.Contains(txt, "Moved 1 phone number to the Deletion queue") || !strings.Contains(txt, target) {
		t.Fatalf("after deleting again:\n%s", txt)
	}

	// Move the service clock past the retention: it is gone for good.
	srv.Advance(t, 7*24*time.Hour)
	load(t, ctx, "reload the queue", chromedp.Reload())
	if txt := mainText(t, ctx); strings.Contains(txt, target) || !strings.Contains(txt, "The Deletion queue is empty.") {
		t.Fatalf("after the retention the queue still shows %s:\n%s", target, txt)
	}
	load(t, ctx, "search again", chromedp.Navigate(srv.URL+"/console/numbers?q="+strings.ReplaceAll(target, "+", "%2B")))
	if txt := mainText(t, ctx); !strings.Contains(txt, "No phone numbers match the filters.") {
		t.Fatalf("purged number still in the inventory:\n%s", txt)
	}
}
