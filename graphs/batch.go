package graphs

import (
	"fmt"

	"github.com/ncgn/ncgn/schedules"
)

// Batch is the disjoint union of the Plans of a minibatch, as one graph: sample b's original
// nodes are the global nodes NodeOffset[b] .. NodeOffset[b+1]-1 and its supernodes the global
// supernodes SuperOffset[b] .. SuperOffset[b+1]-1; every index is shifted accordingly. Each
// sample keeps its own t, hence its own s_t, k_t and graph (docs/REFERENCE.md §3).
//
// Shapes: Pos [N, Dim], SuperPos [S, Dim], Assign [N], EdgeAttr [Edges.Len(), 2],
// FineAttr [N, 2], Sample [N], SuperSample [S], T [B], offsets [B+1].
type Batch struct {
	Plans       []*Plan
	N, S        int // total original nodes and supernodes
	Dim         int
	NodeOffset  []int // len B+1, prefix sums of the plans' N
	SuperOffset []int // len B+1, prefix sums of the plans' Supernodes
	Pos         []float64
	SuperPos    []float64
	Assign      []int                  // global supernode of each global node
	Edges       Edges                  // global coarse edges (indices offset by SuperOffset)
	EdgeAttr    []float64              // 2 per coarse edge: length, t
	FineAttr    []float64              // 2 per global node: distance to its supernode, t
	Sample      []int                  // sample of each global node
	SuperSample []int                  // sample of each global supernode
	T           []schedules.NoiseLevel // t of each sample
}

// NewBatch concatenates plans into one disjoint graph. The plans must share their dimension;
// errors wrap ErrShape (no plans, a nil or inconsistent plan, mixed dimensions).
func NewBatch(plans []*Plan) (*Batch, error) {
	if len(plans) == 0 {
		return nil, fmt.Errorf("graphs: batch of no plans: %w", ErrShape)
	}
	b := &Batch{Plans: plans, NodeOffset: make([]int, len(plans)+1), SuperOffset: make([]int, len(plans)+1), T: make([]schedules.NoiseLevel, len(plans))}
	edges := 0
	for k, p := range plans {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("graphs: batch plan %d: %w", k, err)
		}
		if k == 0 {
			b.Dim = p.Dim
		} else if p.Dim != b.Dim {
			return nil, fmt.Errorf("graphs: batch plan %d has dimension %d, plan 0 has %d: %w", k, p.Dim, b.Dim, ErrShape)
		}
		b.NodeOffset[k+1] = b.NodeOffset[k] + p.N
		b.SuperOffset[k+1] = b.SuperOffset[k] + p.Supernodes
		b.T[k] = p.T
		edges += p.Edges.Len()
	}
	b.N, b.S = b.NodeOffset[len(plans)], b.SuperOffset[len(plans)]
	b.Pos = make([]float64, 0, b.N*b.Dim)
	b.SuperPos = make([]float64, 0, b.S*b.Dim)
	b.Assign = make([]int, 0, b.N)
	b.FineAttr = make([]float64, 0, 2*b.N)
	b.Sample = make([]int, 0, b.N)
	b.SuperSample = make([]int, 0, b.S)
	b.Edges = Edges{Src: make([]int, 0, edges), Dst: make([]int, 0, edges)}
	b.EdgeAttr = make([]float64, 0, 2*edges)
	for k, p := range plans {
		so := b.SuperOffset[k]
		b.Pos = append(b.Pos, p.Pos...)
		b.SuperPos = append(b.SuperPos, p.SuperPos...)
		for _, c := range p.Assign {
			b.Assign = append(b.Assign, c+so)
			b.Sample = append(b.Sample, k)
		}
		for range p.Supernodes {
			b.SuperSample = append(b.SuperSample, k)
		}
		for m, j := range p.Edges.Src {
			b.Edges.Src = append(b.Edges.Src, j+so)
			b.Edges.Dst = append(b.Edges.Dst, p.Edges.Dst[m]+so)
		}
		b.EdgeAttr = append(b.EdgeAttr, p.EdgeAttr...)
		b.FineAttr = append(b.FineAttr, p.FineAttr...)
	}
	return b, nil
}

// B returns the number of samples.
func (b *Batch) B() int { return len(b.Plans) }

// FineEdges returns the global fine-to-supernode edges j -> Assign[j].
func (b *Batch) FineEdges() Edges { return FineEdges(b.Assign) }
