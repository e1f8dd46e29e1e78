// Command fit-scaling reads `go test -bench` output and fits, for every benchmark family with
// sub-benchmarks named .../N=<points>, the growth exponent p of time in N by least squares on
// log-log axes (time ≈ c·N^p). It is the helper of the benchmarks package's BenchmarkScaling:
//
//	go test -run '^$' -bench Scaling -benchtime 3x ./benchmarks/ | tee scaling.txt
//	go run ./scripts/fit-scaling < scaling.txt
//
// By default it fits the metric ms/cloud (time per point cloud, which BenchmarkScaling reports:
// the median step time divided by the batch); -metric ns/op fits the step time itself. Lines repeated
// for one N (go test -count) are reduced to their median. For each family it prints the points
// with the local exponent between neighbouring sizes, log(y_i/y_{i-1})/log(N_i/N_{i-1}), and one
// line
//
//	EXPONENT dmp-gat p=1.02 r2=0.998 n=4 N=400..25600
//
// Exit status 1 when no family with two or more sizes was found, 2 on a bad flag.
package main
