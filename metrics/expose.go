package metrics

import (
	"bufio"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The Prometheus text exposition format, version 0.0.4, as the Prometheus
// client library writes it: families sorted by name, series by label
// values, label pairs by name (a histogram's le and a summary's quantile
// last), values as Go's shortest 'g' formatting.
//
// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format

// contentType is what the Prometheus client library answers a scraper that
// accepts the text format.
const contentType = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"

// Metric types.
const (
	typeCounter   = "counter"
	typeGauge     = "gauge"
	typeHistogram = "histogram"
	typeSummary   = "summary"
)

// family is one metric family of a scrape.
type family struct {
	name, help, typ string
	series          []series
}

// label is one label pair.
type label struct{ name, value string }

// series is one labelled series: a value for counters and gauges; for
// histograms and summaries, sum, count, and buckets (cumulative counts by
// upper bound) or quantiles.
type series struct {
	labels []label
	value  float64
	sum    float64
	count  uint64
	bounds []float64 // histogram upper bounds, or summary quantiles
	counts []float64 // cumulative bucket counts, or quantile values
}

// writeFamilies writes the non-empty families in the text format.
func writeFamilies(w io.Writer, fams []family) error {
	slices.SortFunc(fams, func(a, b family) int { return strings.Compare(a.name, b.name) })
	bw := bufio.NewWriter(w)
	for i := range fams {
		f := &fams[i]
		if len(f.series) == 0 {
			continue
		}
		for j := range f.series {
			slices.SortFunc(f.series[j].labels, func(a, b label) int { return strings.Compare(a.name, b.name) })
		}
		slices.SortFunc(f.series, compareSeries)
		bw.WriteString("# HELP ")
		bw.WriteString(f.name)
		bw.WriteByte(' ')
		helpEscaper.WriteString(bw, f.help)
		bw.WriteString("\n# TYPE ")
		bw.WriteString(f.name)
		bw.WriteByte(' ')
		bw.WriteString(f.typ)
		bw.WriteByte('\n')
		for _, s := range f.series {
			switch f.typ {
			case typeHistogram:
				for k, b := range s.bounds {
					writeSample(bw, f.name+"_bucket", s.labels, "le", b, s.counts[k])
				}
				writeSample(bw, f.name+"_bucket", s.labels, "le", math.Inf(1), float64(s.count))
				writeSample(bw, f.name+"_sum", s.labels, "", 0, s.sum)
				writeSample(bw, f.name+"_count", s.labels, "", 0, float64(s.count))
			case typeSummary:
				for k, q := range s.bounds {
					writeSample(bw, f.name, s.labels, "quantile", q, s.counts[k])
				}
				writeSample(bw, f.name+"_sum", s.labels, "", 0, s.sum)
				writeSample(bw, f.name+"_count", s.labels, "", 0, float64(s.count))
			default:
				writeSample(bw, f.name, s.labels, "", 0, s.value)
			}
		}
	}
	return bw.Flush()
}

func compareSeries(a, b series) int {
	for i := range min(len(a.labels), len(b.labels)) {
		if c := strings.Compare(a.labels[i].value, b.labels[i].value); c != 0 {
			return c
		}
	}
	return len(a.labels) - len(b.labels)
}

var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	valueEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

// writeSample writes one line; extra, when not "", is a last label (le or
// quantile) with a numeric value.
func writeSample(w *bufio.Writer, name string, labels []label, extra string, extraValue, value float64) {
	w.WriteString(name)
	if len(labels) > 0 || extra != "" {
		sep := byte('{')
		for _, l := range labels {
			w.WriteByte(sep)
			sep = ','
			w.WriteString(l.name)
			w.WriteString(`="`)
			valueEscaper.WriteString(w, l.value)
			w.WriteByte('"')
		}
		if extra != "" {
			w.WriteByte(sep)
			w.WriteString(extra)
			w.WriteString(`="`)
			writeFloat(w, extraValue)
			w.WriteByte('"')
		}
		w.WriteByte('}')
	}
	w.WriteByte(' ')
	writeFloat(w, value)
	w.WriteByte('\n')
}

func writeFloat(w *bufio.Writer, f float64) {
	switch {
	case math.IsNaN(f):
		w.WriteString("NaN")
	case math.IsInf(f, 1):
		w.WriteString("+Inf")
	case math.IsInf(f, -1):
		w.WriteString("-Inf")
	default:
		var buf [32]byte
		w.Write(strconv.AppendFloat(buf[:0], f, 'g', -1, 64))
	}
}
