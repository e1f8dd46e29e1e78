package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
)

func main() {
	metric := flag.String("metric", "ms/cloud", "the benchmark metric to fit (a unit of the bench output, e.g. ms/cloud or ns/op)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: fit-scaling [-metric unit] [bench-output-file ...] (default: standard input)\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	var in io.Reader = os.Stdin
	if flag.NArg() > 0 {
		var rs []io.Reader
		for _, name := range flag.Args() {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintf(os.Stderr, "fit-scaling: %v\n", err)
				os.Exit(2)
			}
			defer f.Close()
			rs = append(rs, f)
		}
		in = io.MultiReader(rs...)
	}
	n, err := report(os.Stdout, in, *metric)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fit-scaling: %v\n", err)
		os.Exit(1)
	}
	if n == 0 {
		fmt.Fprintf(os.Stderr, "fit-scaling: no benchmark family with metric %s at two or more sizes N=...\n", *metric)
		os.Exit(1)
	}
}

// report reads bench output from r, fits every family's metric against N and writes the
// points and an EXPONENT line per family to w, in the order the families first appear. It
// returns the number of families fitted.
func report(w io.Writer, r io.Reader, metric string) (int, error) {
	type family struct {
		name  string
		sizes map[int][]float64
	}
	var fams []*family
	byName := map[string]*family{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		l, ok := parseBenchLine(sc.Text())
		if !ok || l.Size == 0 {
			continue
		}
		v, ok := l.Metrics[metric]
		if !ok {
			continue
		}
		f := byName[l.Family]
		if f == nil {
			f = &family{name: l.Family, sizes: map[int][]float64{}}
			byName[l.Family] = f
			fams = append(fams, f)
		}
		f.sizes[l.Size] = append(f.sizes[l.Size], v)
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("reading bench output: %w", err)
	}
	fitted := 0
	for _, f := range fams {
		if len(f.sizes) < 2 {
			continue
		}
		var ns []int
		for n := range f.sizes {
			ns = append(ns, n)
		}
		sort.Ints(ns)
		xs, ys := make([]float64, len(ns)), make([]float64, len(ns))
		name := strings.TrimPrefix(f.name, "BenchmarkScaling/")
		for i, n := range ns {
			xs[i], ys[i] = float64(n), median(f.sizes[n])
			note := ""
			if i > 0 && ys[i-1] > 0 && ys[i] > 0 { // the exponent between this size and the previous one
				note = fmt.Sprintf("  local p=%.2f", math.Log(ys[i]/ys[i-1])/math.Log(xs[i]/xs[i-1]))
			}
			if k := len(f.sizes[n]); k > 1 {
				note += fmt.Sprintf("  (median of %d results)", k)
			}
			fmt.Fprintf(w, "%-28s N=%-6d %s=%.4g%s\n", name, n, metric, ys[i], note)
		}
		pl, err := fitPowerLaw(xs, ys)
		if err != nil {
			return fitted, fmt.Errorf("family %s: %w", f.name, err)
		}
		fmt.Fprintf(w, "EXPONENT %s p=%.3f r2=%.3f n=%d N=%d..%d\n", name, pl.Exponent, pl.R2, pl.Points, ns[0], ns[len(ns)-1])
		fitted++
	}
	return fitted, nil
}

// median returns the median of xs (the mean of the middle two for an even count).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
