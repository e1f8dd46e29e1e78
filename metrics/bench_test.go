package metrics

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchAssignment is kept in a package variable so the compiler cannot drop the work.
var benchAssignment float64

func BenchmarkAssignment(b *testing.B) {
	for _, n := range []int{500, 2000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(5, uint64(n)))
			cost := make([]float64, n*n)
			for i := range cost {
				cost[i] = rng.Float64()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_, total, err := Assignment(cost, n)
				if err != nil {
					b.Fatal(err)
				}
				benchAssignment = total
			}
		})
	}
}

// benchW2 is kept in a package variable so the compiler cannot drop the work.
var benchW2 float64

// BenchmarkFlattenedW2 measures the paper's "W2" on sets of M clouds of 400 points in
// [-0.25, 0.25]³ (ModelNet40's scale), flattened to 1200-vectors: M = 2232 is the size of the
// ModelNet40 test set of REFERENCE.md §6.
func BenchmarkFlattenedW2(b *testing.B) {
	const points = 400
	for _, m := range []int{500, 2232} {
		b.Run(fmt.Sprintf("M=%d/D=%d", m, 3*points), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(25, uint64(m)))
			draw := func() float64 { return 0.5*rng.Float64() - 0.25 }
			s, r := randomSet(m, 3*points, draw), randomSet(m, 3*points, draw)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				v, err := FlattenedW2(s, r, points)
				if err != nil {
					b.Fatal(err)
				}
				benchW2 = v
			}
		})
	}
}

// benchMatrix is kept in a package variable so the compiler cannot drop the work.
var benchMatrix [][]float64

// BenchmarkPairwise measures the |S| x |R| distance matrix between sets of clouds: Chamfer
// for 100 x 100 clouds of 400 points (10⁴ distances), EMD for 10 x 10 clouds of 400 points.
func BenchmarkPairwise(b *testing.B) {
	for _, bc := range []struct {
		d            Distance
		sets, points int
	}{
		{DistCD, 100, 400},
		{DistEMD, 10, 400},
	} {
		b.Run(fmt.Sprintf("%v/S=%d/R=%d/N=%d", bc.d, bc.sets, bc.sets, bc.points), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(27, uint64(bc.sets)))
			s, r := cloudSet(rng, bc.sets, bc.points, 0), cloudSet(rng, bc.sets, bc.points, 0.1)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				m, err := Pairwise(s, r, bc.d)
				if err != nil {
					b.Fatal(err)
				}
				benchMatrix = m
			}
		})
	}
}
