package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chimevoice/chimevoice"
)

// pageSizes are the page sizes offered; the first is the default. Pages
// are read by keyset (after the last number shown), so every page costs
// the same however large the inventory.
var pageSizes = []int{50, 25, 100}

// option is one choice of a <select>.
type option struct {
	Value, Label string
	Selected     bool
}

func options(values []string, labels map[string]string, selected string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		label := labels[v]
		if label == "" {
			label = v
		}
		out[i] = option{Value: v, Label: label, Selected: v == selected}
	}
	return out
}

// The statuses chimevoice produces (the filter accepts every modeled one).
var statusChoices = chimevoice.Strings(chimevoice.ProducedStatuses)

var statusLabels = map[string]string{string(chimevoice.StatusDeleteInProgress): "DeleteInProgress (Deletion queue)"}

var productChoices = chimevoice.Strings(chimevoice.ProductTypes)

var assocChoices = chimevoice.Strings(chimevoice.FilterNames)

var assocLabels = map[string]string{
	string(chimevoice.AssocVoiceConnector):      "Voice Connector",
	string(chimevoice.AssocVoiceConnectorGroup): "Voice Connector group",
	string(chimevoice.AssocSipRule):             "SIP rule",
	string(chimevoice.AssocAccount):             "Account",
	string(chimevoice.AssocUser):                "User",
}

// numberQuery is the inventory's filter form, as the query string carries it.
type numberQuery struct {
	Status, Product, Assoc, Value, Q string
	Size                             int
	After                            string // keyset cursor: the last number of the previous page
}

// values encodes the query for links; after overrides the cursor.
func (q numberQuery) values(after string) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"status": q.Status, "product": q.Product, "assoc": q.Assoc, "value": q.Value, "q": q.Q, "after": after} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Size != pageSizes[0] {
		v.Set("size", strconv.Itoa(q.Size))
	}
	return v
}

// withQuery appends the encoded query to path, if there is one.
func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

func badRequest(format string, args ...any) error {
	return chimevoice.Errorf(chimevoice.CodeBadRequest, format, args...)
}

func oneOf(field, v string, allowed []string) error {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return badRequest("%s: %q is not one of %s.", field, v, strings.Join(allowed, ", "))
}

// parseNumberQuery validates the inventory filter. The number search is a
// prefix of the E.164 form ("+1206" finds every number in area code 206):
// numbers sharing a prefix are adjacent in E.164 order, so a prefix search
// is a range of the same keyset index that paging uses.
func parseNumberQuery(v url.Values) (numberQuery, error) {
	q := numberQuery{
		Status: v.Get("status"), Product: v.Get("product"), Assoc: v.Get("assoc"),
		Value: strings.TrimSpace(v.Get("value")), Q: strings.TrimSpace(v.Get("q")), Size: pageSizes[0],
	}
	if err := oneOf("Status", q.Status, chimevoice.Strings(chimevoice.AllStatuses)); err != nil {
		return q, err
	}
	if err := oneOf("Product type", q.Product, productChoices); err != nil {
		return q, err
	}
	if err := oneOf("Associated with", q.Assoc, assocChoices); err != nil {
		return q, err
	}
	if (q.Assoc == "") != (q.Value == "") {
		return q, badRequest("Associated with: choose the kind of resource and enter its ID together (the ID alone, or the kind alone, selects nothing).")
	}
	if len(q.Value) > 256 {
		return q, badRequest("Associated with: the ID is longer than 256 characters.")
	}
	if q.Q != "" {
		p, ok := numberPrefix(q.Q)
		if !ok {
			return q, badRequest("Number: %q is not the start of an E.164 phone number; enter digits such as +1206 or +12065550100.", clip(q.Q))
		}
		q.Q = p
	}
	if s := v.Get("size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || (n != 25 && n != 50 && n != 100) {
			return q, badRequest("Page size: %q is not one of 25, 50, 100.", clip(s))
		}
		q.Size = n
	}
	if a := v.Get("after"); a != "" {
		if q.Status == string(chimevoice.StatusDeleteInProgress) {
			var err error
			q.After, err = queueAfter(a)
			return q, err
		}
		e164, ok := chimevoice.ParseID(strings.TrimSpace(a))
		if !ok {
			return q, badRequest("The page link is not valid (after=%q is not a phone number): start again from the first page.", clip(a))
		}
		q.After = e164
	}
	return q, nil
}

// queueAfter validates the "after" of a Deletion queue page: the queue
// lists in the order it is purged, so its cursor is a QueueCursor.
func queueAfter(a string) (string, error) {
	a = strings.TrimSpace(a)
	if _, _, ok := chimevoice.ParseQueueCursor(a); !ok {
		return "", badRequest("The page link is not valid (after=%q is not a place in the queue): start again from the first page.", clip(a))
	}
	return a, nil
}

// numberPrefix normalizes what someone typed to search numbers by: spaces,
// dashes, dots and parentheses go, a leading + is implied.
func numberPrefix(s string) (string, bool) {
	var b strings.Builder
	b.WriteByte('+')
	for i, ch := range s {
		switch {
		case ch >= '0' && ch <= '9':
			b.WriteRune(ch)
		case ch == '+' && i == 0, ch == ' ', ch == '-', ch == '.', ch == '(', ch == ')':
		default:
			return "", false
		}
	}
	p := b.String()
	return p, len(p) >= 2 && len(p) <= 16 && p[1] != '0'
}

// justBefore returns a cursor that sorts after every E.164 number smaller
// than prefix and before prefix itself ("+1206" → "+1205~", as '~' sorts
// after every digit), so that a keyset page after it starts at the first
// number with the prefix, including the number equal to it.
func justBefore(prefix string) string {
	last := prefix[len(prefix)-1]
	return prefix[:len(prefix)-1] + string(last-1) + "~"
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// numberRow is one number as the tables show it.
type numberRow struct {
	E164        string
	ID          string // digits only, for element IDs
	URL         string
	Status      string
	ProductType string
	Type        string
	Name        string
	Assocs      []assocView
	Created     time.Time
	Deleted     time.Time
	PurgeAt     time.Time
	TimeLeft    string
	Selectable  bool // may be selected for deletion (not already queued)
	Queued      bool
}

type assocView struct {
	Label, Value, URL string
	At                time.Time
}

func (c *Console) row(n *chimevoice.PhoneNumber, now time.Time) numberRow {
	r := numberRow{
		E164: n.E164, ID: strings.TrimPrefix(n.E164, "+"), URL: Prefix + "/numbers/" + n.E164,
		Status: string(n.Status), ProductType: string(n.ProductType), Type: string(n.Type), Name: n.Name,
		Created: n.CreatedAt, Deleted: n.DeletedAt,
		Queued:     n.Status == chimevoice.StatusDeleteInProgress,
		Selectable: n.Status != chimevoice.StatusDeleteInProgress,
	}
	if r.Queued {
		r.PurgeAt = n.DeletedAt.Add(c.opts.Retention)
		r.TimeLeft = timeLeft(r.PurgeAt.Sub(now))
	}
	for _, a := range n.Associations {
		r.Assocs = append(r.Assocs, assocView{Label: assocLabels[string(a.Name)], Value: a.Value, URL: assocURL(a), At: a.AssociatedAt})
	}
	return r
}

// assocURL links an association to the page that shows its resource.
func assocURL(a chimevoice.Association) string {
	switch a.Name {
	case chimevoice.AssocVoiceConnector:
		return Prefix + "/voice-connectors/" + url.PathEscape(a.Value)
	}
	return Prefix + "/numbers?" + url.Values{"assoc": {string(a.Name)}, "value": {a.Value}}.Encode()
}

// timeLeft says how long a queued number has before permanent deletion.
func timeLeft(d time.Duration) string {
	if d <= 0 {
		return "due for permanent deletion now"
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return plural(days, "day") + " " + plural(hours, "hour")
	case hours > 0:
		return plural(hours, "hour") + " " + plural(mins, "minute")
	case mins > 0:
		return plural(mins, "minute")
	}
	return "less than a minute"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// humanDuration says a retention such as 168h as "7 days".
func humanDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return plural(int(d/(24*time.Hour)), "day")
	}
	return d.String()
}

// listPage reads one keyset page of numbers matching f, restricted to
// those starting with prefix (when not ""), and returns the cursor of the
// next page ("" on the last).
func (c *Console) listPage(r *request, f chimevoice.PhoneNumberFilter, prefix string) ([]*chimevoice.PhoneNumber, string, error) {
	if prefix != "" && f.Status == chimevoice.StatusDeleteInProgress {
		return c.queuePage(r, f, prefix)
	}
	if prefix != "" && f.After < prefix {
		f.After = justBefore(prefix)
	}
	ns, next, err := c.svc.Numbers.ListPhoneNumbers(r.Context(), r.caller, f)
	if err != nil || prefix == "" {
		return ns, next, err
	}
	for i, n := range ns {
		if !strings.HasPrefix(n.E164, prefix) {
			return ns[:i], "", nil // past the prefix's range
		}
	}
	if next != "" {
		// Peek at the next number so that a search never ends on an empty page.
		f.After, f.Limit = next, 1
		more, _, err := c.svc.Numbers.ListPhoneNumbers(r.Context(), r.caller, f)
		if err != nil {
			return nil, "", err
		}
		if len(more) == 0 || !strings.HasPrefix(more[0].E164, prefix) {
			next = ""
		}
	}
	return ns, next, nil
}

// queueScanLimit bounds how many numbers of the Deletion queue one page
// searched by prefix reads; past it the page ends early, with a next link.
const queueScanLimit = 10000

// queuePage is listPage for the Deletion queue, which lists in the order it
// is purged, not by number: numbers sharing a prefix are not adjacent, so
// the page is filled from the queue's pages, keeping those with the prefix.
func (c *Console) queuePage(r *request, f chimevoice.PhoneNumberFilter, prefix string) ([]*chimevoice.PhoneNumber, string, error) {
	limit := f.Limit
	f.Limit = 100 // the queue's pages, read until the page searched is full
	var out []*chimevoice.PhoneNumber
	for scanned := 0; scanned < queueScanLimit; {
		ns, next, err := c.svc.Numbers.ListPhoneNumbers(r.Context(), r.caller, f)
		if err != nil {
			return nil, "", err
		}
		for _, n := range ns {
			if !strings.HasPrefix(n.E164, prefix) {
				continue
			}
			if len(out) == limit {
				// n is on the next page: it starts after the last one kept.
				return out, chimevoice.QueueCursor(out[len(out)-1]), nil
			}
			out = append(out, n)
		}
		scanned += len(ns)
		if next == "" {
			return out, "", nil
		}
		f.After = next
	}
	return out, f.After, nil
}

type inventoryData struct {
	Q                   numberQuery
	Statuses, Products  []option
	Assocs, Sizes       []option
	Rows                []numberRow
	First, Next         string
	Filtered, CanDelete bool
}

func (c *Console) inventory(w http.ResponseWriter, r *request) {
	d := inventoryData{CanDelete: r.s.allowed("DeletePhoneNumber") || r.s.allowed("BatchDeletePhoneNumber")}
	q, err := parseNumberQuery(r.URL.Query())
	d.Q = q
	d.Statuses = options(statusChoices, statusLabels, q.Status)
	d.Products = options(productChoices, nil, q.Product)
	d.Assocs = options(assocChoices, assocLabels, q.Assoc)
	d.Sizes = options([]string{"25", "50", "100"}, nil, strconv.Itoa(q.Size))
	v := view{Title: "Phone numbers", Nav: "numbers", Data: &d}
	if err == nil {
		err = authorize(r, "ListPhoneNumbers", "list phone numbers")
	}
	if err != nil {
		v.Error = chimevoice.ErrorMessage(err)
		c.render(w, r, statusFor(err), "inventory", v)
		return
	}
	d.Filtered = q.Status != "" || q.Product != "" || q.Assoc != "" || q.Q != ""
	ns, next, err := c.listPage(r, chimevoice.PhoneNumberFilter{
		Status: chimevoice.Status(q.Status), ProductType: chimevoice.ProductType(q.Product),
		FilterName: chimevoice.AssociationName(q.Assoc), FilterValue: q.Value, Limit: q.Size, After: q.After,
	}, q.Q)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	now := c.now(r)
	for _, n := range ns {
		d.Rows = append(d.Rows, c.row(n, now))
	}
	if q.After != "" {
		d.First = withQuery(Prefix+"/numbers", q.values(""))
	}
	if next != "" {
		d.Next = withQuery(Prefix+"/numbers", q.values(next))
	}
	c.render(w, r, http.StatusOK, "inventory", v)
}

// now is the service clock, the clock of the Deletion queue.
func (c *Console) now(r *request) time.Time {
	now, err := c.svc.Admin.Now(r.Context())
	if err != nil {
		c.log.Warn("console: read service clock", "err", err)
		return time.Now()
	}
	return now
}

// pathNumber reads the phone number in the URL path.
func pathNumber(r *request) (string, error) {
	raw := r.PathValue("id")
	e164, ok := chimevoice.ParseID(strings.TrimSpace(raw))
	if !ok {
		return "", badRequest("%q is not an E.164 phone number.", clip(raw))
	}
	return e164, nil
}

type numberData struct {
	N                     numberRow
	Retention             string
	CanDelete, CanRestore bool
}

func (c *Console) number(w http.ResponseWriter, r *request) {
	e164, err := pathNumber(r)
	if err == nil {
		err = authorize(r, "GetPhoneNumber", "view phone numbers")
	}
	var n *chimevoice.PhoneNumber
	if err == nil {
		n, err = c.svc.Numbers.GetPhoneNumber(r.Context(), r.caller, e164)
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := numberData{N: c.row(n, c.now(r)), Retention: humanDuration(c.opts.Retention),
		CanDelete: r.s.allowed("DeletePhoneNumber"), CanRestore: r.s.allowed("RestorePhoneNumber")}
	c.render(w, r, http.StatusOK, "number", view{Title: n.E164, Nav: "numbers", Data: &d})
}

// formNumbers reads the numbers a delete names: at least one, at most
// MaxBatch, each an E.164 number, duplicates dropped.
func formNumbers(vals []string) ([]string, error) {
	if len(vals) == 0 {
		return nil, badRequest("Select at least one phone number to delete.")
	}
	if len(vals) > chimevoice.MaxBatch {
		return nil, badRequest("At most %d phone numbers can be deleted at once; %d were selected.", chimevoice.MaxBatch, len(vals))
	}
	seen := map[string]bool{}
	var out []string
	for _, v := range vals {
		e164, ok := chimevoice.ParseID(strings.TrimSpace(v))
		if !ok {
			return nil, badRequest("%q is not an E.164 phone number (such as +12065550100). Nothing was deleted.", clip(v))
		}
		if !seen[e164] {
			seen[e164] = true
			out = append(out, e164)
		}
	}
	return out, nil
}

// deleteOp is the API operation a console delete of n numbers performs,
// for the allow list: the single or the batch form.
func deleteOp(n int) string {
	if n == 1 {
		return "DeletePhoneNumber"
	}
	return "BatchDeletePhoneNumber"
}

type deleteData struct {
	Numbers   []string
	Retention string
	Failures  []chimevoice.PhoneNumberError
	Deleted   int
}

// confirmText is the statement the AWS console makes people acknowledge.
const confirmText = "I understand the impact of this action"

func (c *Console) deleteConfirm(w http.ResponseWriter, r *request) {
	nums, err := formNumbers(r.URL.Query()["number"])
	if err == nil {
		err = authorize(r, deleteOp(len(nums)), "delete phone numbers")
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := deleteData{Numbers: nums, Retention: humanDuration(c.opts.Retention)}
	c.render(w, r, http.StatusOK, "delete", view{Title: "Delete phone numbers", Nav: "numbers", Data: &d})
}

// delete moves the numbers into the Deletion queue, only once the
// confirmation is checked. Numbers the service refuses are listed with
// the reason; the others are deleted together.
func (c *Console) delete(w http.ResponseWriter, r *request) {
	nums, err := formNumbers(r.PostForm["number"])
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if err := authorize(r, deleteOp(len(nums)), "delete phone numbers"); err != nil {
		c.fail(w, r, err)
		return
	}
	d := deleteData{Numbers: nums, Retention: humanDuration(c.opts.Retention)}
	v := view{Title: "Delete phone numbers", Nav: "numbers", Data: &d}
	if r.PostFormValue("confirm") != "yes" {
		v.Error = fmt.Sprintf("To delete, check “%s”. Nothing was deleted.", confirmText)
		c.render(w, r, http.StatusBadRequest, "delete", v)
		return
	}
	failed, err := c.svc.Numbers.BatchDeletePhoneNumbers(r.Context(), r.caller, chimevoice.NewBatch(nums))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Deleted = len(nums) - len(failed)
	if len(failed) == 0 {
		c.redirect(w, r, Prefix+"/queue", fmt.Sprintf("Moved %s to the Deletion queue. %s permanently deleted after %s unless restored.",
			plural(len(nums), "phone number"), map[bool]string{true: "It is", false: "They are"}[len(nums) == 1], d.Retention))
		return
	}
	d.Failures = failed
	status := http.StatusOK
	if d.Deleted == 0 {
		status = http.StatusBadRequest
	} else {
		v.Notice = fmt.Sprintf("Moved %s to the Deletion queue.", plural(d.Deleted, "phone number"))
	}
	v.Error = fmt.Sprintf("%s could not be deleted; see the reasons below.", plural(len(failed), "phone number"))
	c.render(w, r, status, "delete", v)
}

type queueData struct {
	Rows        []numberRow
	Retention   string
	First, Next string
	CanRestore  bool
}

// queue shows the Deletion queue: numbers in DeleteInProgress with the
// time left, on the service clock, before they are purged, in the order
// they will be.
func (c *Console) queue(w http.ResponseWriter, r *request) {
	d := queueData{Retention: humanDuration(c.opts.Retention), CanRestore: r.s.allowed("RestorePhoneNumber")}
	v := view{Title: "Deletion queue", Nav: "queue", Data: &d}
	after := ""
	if a := r.URL.Query().Get("after"); a != "" {
		var err error
		if after, err = queueAfter(a); err != nil {
			c.fail(w, r, err)
			return
		}
		d.First = Prefix + "/queue"
	}
	if err := authorize(r, "ListPhoneNumbers", "list phone numbers"); err != nil {
		c.fail(w, r, err)
		return
	}
	ns, next, err := c.svc.Numbers.ListPhoneNumbers(r.Context(), r.caller, chimevoice.PhoneNumberFilter{Status: chimevoice.StatusDeleteInProgress, Limit: pageSizes[0], After: after})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	now := c.now(r)
	for _, n := range ns {
		d.Rows = append(d.Rows, c.row(n, now))
	}
	if next != "" {
		d.Next = Prefix + "/queue?" + url.Values{"after": {next}}.Encode()
	}
	c.render(w, r, http.StatusOK, "queue", v)
}

// restore takes one number out of the Deletion queue.
func (c *Console) restore(w http.ResponseWriter, r *request) {
	raw := r.PostFormValue("number")
	e164, ok := chimevoice.ParseID(strings.TrimSpace(raw))
	var err error
	if !ok {
		err = badRequest("%q is not an E.164 phone number. Nothing was restored.", clip(raw))
	}
	if err == nil {
		err = authorize(r, "RestorePhoneNumber", "restore phone numbers")
	}
	if err == nil {
		_, err = c.svc.Numbers.RestorePhoneNumber(r.Context(), r.caller, e164)
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.redirect(w, r, Prefix+"/queue", fmt.Sprintf("Restored %s: it is back in your inventory as Unassigned.", e164))
}
