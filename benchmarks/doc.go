// Package benchmarks holds the go test -bench comparisons of ncgn: training and sampling steps
// across graph kinds, layers and sizes. Run with
//
//	go test -run '^$' -bench . -benchmem ./benchmarks/
package benchmarks
