package geometricshapes

import (
	"os"
	"testing"
)

var sinkSet *Set

// BenchmarkSampleShared draws one 400-point surface cloud per shape of the shared archive.
func BenchmarkSampleShared(b *testing.B) {
	if _, err := os.Stat(sharedZip); err != nil {
		b.Skipf("shared GeometricShapes archive absent (%v)", err)
	}
	b.Run("Read", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := ReadZip(sharedZip, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	shapes, err := ReadZip(sharedZip, false)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Shapes=40/N=400", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			s, err := Sample(shapes, Config{Split: Train, Seed: uint64(i)})
			if err != nil {
				b.Fatal(err)
			}
			sinkSet = s
		}
	})
}
