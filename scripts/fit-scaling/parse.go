package main

import (
	"strconv"
	"strings"
)

// benchLine is one result line of `go test -bench` output.
type benchLine struct {
	Name    string             // full name without the -GOMAXPROCS suffix, e.g. BenchmarkScaling/dmp-gat/N=400
	Family  string             // the name before "/N=", e.g. BenchmarkScaling/dmp-gat
	Size    int                // the value of N= (0 if the name has none)
	Metrics map[string]float64 // value per unit: "ns/op", "ms/cloud", ...
}

// parseBenchLine parses a line such as
//
//	BenchmarkScaling/dmp-gat/N=400-2   3   1.2e+09 ns/op   98.1 ms/cloud   512 B/op
//
// and reports false for any other line (headers, PASS, logs).
func parseBenchLine(line string) (benchLine, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
		return benchLine{}, false
	}
	if _, err := strconv.Atoi(f[1]); err != nil {
		return benchLine{}, false
	}
	l := benchLine{Name: trimProcs(f[0]), Metrics: map[string]float64{}}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return benchLine{}, false
		}
		l.Metrics[f[i+1]] = v
	}
	l.Family = l.Name
	if k := strings.Index(l.Name, "/N="); k >= 0 {
		l.Family = l.Name[:k]
		rest := l.Name[k+3:]
		end := 0
		for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
			end++
		}
		if n, err := strconv.Atoi(rest[:end]); err == nil {
			l.Size = n
		}
		l.Family += rest[end:] // more name after the size, e.g. N=400/gat, keeps sub-configurations apart
	}
	return l, true
}

// trimProcs removes the "-<GOMAXPROCS>" suffix go test appends to benchmark names.
func trimProcs(name string) string {
	k := strings.LastIndexByte(name, '-')
	if k < 0 {
		return name
	}
	if _, err := strconv.Atoi(name[k+1:]); err != nil {
		return name
	}
	return name[:k]
}
