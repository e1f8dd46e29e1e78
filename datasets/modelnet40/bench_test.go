package modelnet40

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

var sinkSet *Set
var sinkCloud []float64

// BenchmarkLoadNpy loads 40 objects of 1024 points (the shared folder's format) into clouds of
// 400 points; a real folder adds the file system's cost.
func BenchmarkLoadNpy(b *testing.B) {
	root := b.TempDir()
	npyTree(b, root, []string{"a", "b", "c", "d"}, 10, 1024)
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("Objects=40/Workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				s, err := Load(context.Background(), root, Config{Split: Test, Workers: w}, nil)
				if err != nil {
					b.Fatal(err)
				}
				sinkSet = s
			}
		})
	}
}

// BenchmarkLoadOFF loads 8 prism meshes of 2048 vertices, as vertices and as surface samples.
func BenchmarkLoadOFF(b *testing.B) {
	root := b.TempDir()
	offTree(b, root, []string{"a", "b", "c", "d"}, 1024, 1024)
	for _, src := range []Source{Vertices, Surface} {
		b.Run(fmt.Sprintf("Objects=8/V=2048/%s", src), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				s, err := Load(context.Background(), root, Config{Split: Test, Source: src}, nil)
				if err != nil {
					b.Fatal(err)
				}
				sinkSet = s
			}
		})
	}
}

func BenchmarkSubsetNormalise(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	pts := make([]float64, 3*1024)
	for i := range pts {
		pts[i] = rng.Float64()
	}
	b.Run("K=1024/N=400", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			c, err := Subset(pts, 3, 400, rng)
			if err != nil {
				b.Fatal(err)
			}
			if err := Normalise(c, 3, ReferenceScale); err != nil {
				b.Fatal(err)
			}
			sinkCloud = c
		}
	})
}
