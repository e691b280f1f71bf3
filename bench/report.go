package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteJSON writes the report for machines.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for people.
func (r *Report) WriteText(w io.Writer) error {
	for _, res := range []*Result{r.Chimevoice, r.Baseline} {
		if res == nil {
			continue
		}
		mode := ""
		if res.Mode != "" {
			mode = " (" + res.Mode + ")"
		}
		fmt.Fprintf(w, "%s: %s%s, batch %d, concurrency %d, %.1fs\n", res.Target, res.Workload, mode, res.Batch, res.Concurrency, res.Elapsed.Seconds())
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "operation\trequests\treq/s\tnumbers/s\tp50\tp90\tp99\tmax\terrors\t")
		for _, op := range res.Operations {
			items := ""
			if op.Items > 0 {
				items = fmt.Sprintf("%.0f", op.ItemsPerS)
			}
			fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t\n", op.Operation, op.Requests, op.PerSecond, items,
				ms(op.Latency.P50), ms(op.Latency.P90), ms(op.Latency.P99), ms(op.Latency.Max), errorList(op.Errors))
		}
		tw.Flush()
		if res.Note != "" {
			fmt.Fprintln(w, "note:", res.Note)
		}
		fmt.Fprintln(w)
	}
	if r.Baseline != nil && r.Ratio > 0 {
		p, b := r.Chimevoice.Primary(), r.Baseline.Primary()
		fmt.Fprintf(w, "ratio: chimevoice %s %.0f req/s = %.0f%% of the bare net/http ceiling %.0f req/s (same load, same run)\n",
			p.Operation, p.PerSecond, 100*r.Ratio, b.PerSecond)
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func errorList(errs map[string]int) string {
	if len(errs) == 0 {
		return "0"
	}
	parts := make([]string, 0, len(errs))
	for k, v := range errs {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}
