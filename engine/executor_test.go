package engine_test

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// collidingNames returns up to max pairs of distinct names whose input nodes of shape [2]
// (float64) share gorgonia's 32-bit node hash, found by hashing names as gorgonia's
// Node.WriteHash does (the test checks the real nodes agree).
func collidingNames(t *testing.T, max int) [][2]string {
	t.Helper()
	seen := map[uint32]string{}
	var pairs [][2]string
	for i := 0; i < 1<<21 && len(pairs) < max; i++ {
		name := fmt.Sprint("p", i)
		h := fnv.New32a()
		fmt.Fprint(h, "Vector float64(2)", name)
		h.Write([]byte{0}) // no children
		s := h.Sum32()
		if prior, ok := seen[s]; ok {
			pairs = append(pairs, [2]string{prior, name})
			continue
		}
		seen[s] = name
	}
	if len(pairs) == 0 {
		t.Fatal("no colliding names found")
	}
	return pairs
}

// TestExecute_CollidingHashes builds a training graph of thousands of nodes in which dozens of
// pairs of parameter nodes share their 32-bit hash, the hazard that made gorgonia's TapeMachine
// compute one node of each pair and feed its value to the other's consumers. The loss and every
// gradient must equal their closed forms: loss = mean(s²) for s the sum of all parameters, and
// the gradient of each parameter is s (two entries: 2s/2).
func TestExecute_CollidingHashes(t *testing.T) {
	pairs := collidingNames(t, 40)
	ps, err := engine.NewParams(tensor.Float64, 3)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pairs {
		names = append(names, p[0], p[1])
	}
	for i := 0; len(names) < 1200; i++ {
		names = append(names, fmt.Sprint("filler", i))
	}
	var params []*engine.Param
	for _, name := range names {
		p, err := ps.Add(name, []int{2}, engine.Uniform(1))
		if err != nil {
			t.Fatal(err)
		}
		params = append(params, p)
	}
	s := engine.NewScope(ps, true)
	sum := s.Param(params[0])
	for _, p := range params[1:] {
		if sum, err = engine.Add(sum, s.Param(p)); err != nil {
			t.Fatal(err)
		}
	}
	for _, pair := range pairs {
		a, b := s.Param(ps.Get(pair[0])), s.Param(ps.Get(pair[1]))
		if a == b || a.Hashcode() != b.Hashcode() {
			t.Fatalf("%s and %s: distinct nodes %v, hashes %08x and %08x: want distinct nodes of one hash", pair[0], pair[1], a != b, a.Hashcode(), b.Hashcode())
		}
	}
	target, err := s.Input("target", []float64{0, 0}, 2)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := ops.MSE(sum, target)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(loss, sum)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.G.AllNodes()); n < 2000 {
		t.Fatalf("graph of %d nodes, want thousands", n)
	}
	var want [2]float64
	for _, p := range params {
		for j, v := range p.Value.Data().([]float64) {
			want[j] += v
		}
	}
	got := res.Values[0].Data().([]float64)
	for j := range want {
		if math.Abs(got[j]-want[j]) > 1e-9 {
			t.Fatalf("sum %v, want %v", got, want)
		}
	}
	if l := (want[0]*want[0] + want[1]*want[1]) / 2; math.Abs(res.Loss-l) > 1e-9 {
		t.Errorf("loss %v, want %v", res.Loss, l)
	}
	for _, p := range params {
		g := p.Grad.Data().([]float64)
		if math.Abs(g[0]-want[0]) > 1e-9 || math.Abs(g[1]-want[1]) > 1e-9 {
			t.Fatalf("gradient of %s is %v, want %v", p.Name, g, want)
		}
	}
}

// wrongShapeOp claims a [2] output but returns a [3] one.
type wrongShapeOp struct{ engine.OpBase }

func (op *wrongShapeOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{2}, nil
}

func (op *wrongShapeOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return tensor.New(tensor.WithShape(3), tensor.WithBacking(make([]float64, 3))), nil
}

// panicOp panics when it runs.
type panicOp struct{ wrongShapeOp }

func (op *panicOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	var idx []int
	return nil, fmt.Errorf("unreachable %d", idx[3])
}

// TestExecute_ReportsBadOps checks that an op whose value does not fit its node, or that
// panics, is an error naming the node, not a panic or a wrong value read later.
func TestExecute_ReportsBadOps(t *testing.T) {
	for _, tc := range []struct {
		op   gorgonia.Op
		want string
	}{
		{&wrongShapeOp{engine.NewOpBase("wrong", 1, 1)}, "computed a (3) float64 value"},
		{&panicOp{wrongShapeOp{engine.NewOpBase("boom", 1, 1)}}, "panicked"},
	} {
		ps, err := engine.NewParams(tensor.Float64, 1)
		if err != nil {
			t.Fatal(err)
		}
		s := engine.NewScope(ps, false)
		x, err := s.Input("x", []float64{1, 2}, 2)
		if err != nil {
			t.Fatal(err)
		}
		y, err := gorgonia.ApplyOp(tc.op, x)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Run(nil, y)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), y.Name()) {
			t.Errorf("%v: err = %v, want one naming node %q and saying %q", tc.op, err, y.Name(), tc.want)
		}
		if tc.want != "panicked" && !errors.Is(err, engine.ErrShape) {
			t.Errorf("%v: err = %v, want engine.ErrShape", tc.op, err)
		}
	}
}
