package layers

import (
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The paper's scale: a batch of 128 ModelNet40 clouds of 400 points (51,200 nodes) with about
// 7 incoming edges each (360,000 edges), width 64, float32.
const (
	benchNodes = 51200
	benchEdges = 360000
	benchWidth = 64
)

var benchSink float64

func benchGraph() *graphs.Edges {
	rng := rand.New(rand.NewSource(1))
	e := &graphs.Edges{Src: make([]int, benchEdges), Dst: make([]int, benchEdges)}
	for k := range e.Src {
		e.Dst[k] = k * benchNodes / benchEdges
		e.Src[k] = rng.Intn(benchNodes)
	}
	return e
}

// benchStep runs forward and backward of build (the input is a learnable parameter x of
// shape [rows, benchWidth]) with loss sum(out).
func benchStep(b *testing.B, rows int, setup func(ps *Params) (func(s *Scope, x *gorgonia.Node) (*gorgonia.Node, error), error)) {
	ps, _ := NewParams(tensor.Float32, 1)
	x, err := ps.Add("x", []int{rows, benchWidth}, Uniform(1))
	if err != nil {
		b.Fatal(err)
	}
	fwd, err := setup(ps)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := NewScope(ps, true)
		out, err := fwd(s, s.Param(x))
		if err != nil {
			b.Fatal(err)
		}
		loss, err := gorgonia.Sum(out)
		if err != nil {
			b.Fatal(err)
		}
		res, err := s.Run(loss)
		if err != nil {
			b.Fatal(err)
		}
		benchSink += res.Loss
	}
}

func BenchmarkScatterMean_N51200_E360000_F64(b *testing.B) {
	e := benchGraph()
	benchStep(b, benchEdges, func(ps *Params) (func(*Scope, *gorgonia.Node) (*gorgonia.Node, error), error) {
		return func(s *Scope, x *gorgonia.Node) (*gorgonia.Node, error) { return ops.ScatterMean(x, e.Dst, benchNodes) }, nil
	})
}

func BenchmarkSegmentSoftmax_N51200_E360000_F64(b *testing.B) {
	e := benchGraph()
	benchStep(b, benchEdges, func(ps *Params) (func(*Scope, *gorgonia.Node) (*gorgonia.Node, error), error) {
		return func(s *Scope, x *gorgonia.Node) (*gorgonia.Node, error) {
			return ops.SegmentSoftmax(x, e.Dst, benchNodes)
		}, nil
	})
}

func BenchmarkGCNConv_N51200_E360000_F64(b *testing.B) {
	e := benchGraph()
	benchStep(b, benchNodes, func(ps *Params) (func(*Scope, *gorgonia.Node) (*gorgonia.Node, error), error) {
		l, err := NewGCNConv(ps, "gcn", GCNConfig{In: benchWidth, Out: benchWidth})
		if err != nil {
			return nil, err
		}
		return func(s *Scope, x *gorgonia.Node) (*gorgonia.Node, error) { return l.Forward(s, x, e) }, nil
	})
}

func BenchmarkGATConv_N51200_E360000_F64(b *testing.B) {
	e := benchGraph()
	benchStep(b, benchNodes, func(ps *Params) (func(*Scope, *gorgonia.Node) (*gorgonia.Node, error), error) {
		l, err := NewGATConv(ps, "gat", GATConfig{In: benchWidth, Out: benchWidth})
		if err != nil {
			return nil, err
		}
		return func(s *Scope, x *gorgonia.Node) (*gorgonia.Node, error) { return l.Forward(s, x, e) }, nil
	})
}
