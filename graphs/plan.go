package graphs

import (
	"fmt"
	"math/rand"

	"github.com/ncgn/ncgn/schedules"
)

// Kind names the graph a network sees (the paper's Tables 1 and 3).
type Kind string

// The graph kinds.
const (
	DMP       Kind = "dmp"        // Dynamic Message Passing: voxel supernodes and kNN with (s_t, k_t) from a schedule
	KNN       Kind = "knn"        // full resolution, k nearest neighbours
	LongShort Kind = "long-short" // full resolution, k uniformly random other nodes
	Full      Kind = "full"       // full resolution, fully connected
)

// Kinds lists the graph kinds.
var Kinds = []Kind{DMP, KNN, LongShort, Full}

// Title returns the kind's name in tables: "DMP", "kNN", "long-short" or "fully connected".
func (k Kind) Title() string {
	switch k {
	case DMP:
		return "DMP"
	case KNN:
		return "kNN"
	case LongShort:
		return "long-short"
	case Full:
		return "fully connected"
	}
	return string(k)
}

// PlanConfig configures the graph of a Plan. Zero values of the optional fields are defaults.
type PlanConfig struct {
	Kind Kind `json:"kind"`
	// K is k: k_end of the schedule for dmp, the neighbours for knn and long-short; >= 1.
	// Ignored by full.
	K         int            `json:"k"`
	Schedule  schedules.Kind `json:"schedule,omitempty"`   // dmp: the schedule form; default exp
	Curvature float64        `json:"curvature,omitempty"`  // dmp: exp/log curvature; default 10
	Split     float64        `json:"split,omitempty"`      // dmp: relu split; default 0.6
	FloatRoot bool           `json:"float_root,omitempty"` // dmp: the reference's float voxels-per-dim (64 -> 3); see VoxelsPerDim
}

// Validate reports, wrapping ErrConfig, what makes cfg unusable (for clouds of any size).
func (cfg PlanConfig) Validate() error {
	switch cfg.Kind {
	case DMP, KNN, LongShort:
		if cfg.K < 1 {
			return fmt.Errorf("graphs: %s graph with k = %d, want k >= 1: %w", cfg.Kind, cfg.K, ErrConfig)
		}
	case Full:
		if cfg.K < 0 {
			return fmt.Errorf("graphs: full graph with k = %d, want k >= 0 (k is ignored): %w", cfg.K, ErrConfig)
		}
	default:
		return fmt.Errorf("graphs: unknown graph kind %q (want dmp, knn, long-short or full): %w", cfg.Kind, ErrConfig)
	}
	if cfg.Kind == DMP {
		if _, err := schedules.New(cfg.scheduleConfig(1)); err != nil {
			return fmt.Errorf("graphs: dmp graph: %w: %w", err, ErrConfig)
		}
	}
	return nil
}

// scheduleConfig returns the schedule configuration for clouds of n points.
func (cfg PlanConfig) scheduleConfig(n int) schedules.Config {
	kind := cfg.Schedule
	if kind == "" {
		kind = schedules.Exp
	}
	return schedules.Config{Kind: kind, Nodes: n, K: cfg.K, Curvature: cfg.Curvature, Split: cfg.Split}
}

// Plan is the graph a noise-conditioned network uses for one sample at one noise level t: the
// supernodes (voxel clusters) and their positions, the coarse edges between supernodes with
// their attributes, and the fine-to-supernode edges (j -> Assign[j]) with theirs. For knn,
// long-short and full graphs nothing is coarsened: the supernodes are the original nodes.
//
// Shapes: Pos [N, Dim], SuperPos [Supernodes, Dim], EdgeAttr [Edges.Len(), 2],
// FineAttr [N, 2], all row-major.
type Plan struct {
	Kind Kind                 `json:"kind"`
	T    schedules.NoiseLevel `json:"t"`
	N    int                  `json:"n"`
	Dim  int                  `json:"dim"`
	Pos  []float64            `json:"-"` // N*Dim positions used (row-major copy of the input)
	// Neighbours is the k used for the coarse edges: k_t of the schedule for dmp, K for knn and
	// long-short, N-1 for full. A node has min(Neighbours, Supernodes-1) incoming edges.
	Neighbours int `json:"neighbours"`
	// Scheduled is s_t, the supernodes the schedule asked for (dmp), N otherwise; voxel
	// clustering yields Supernodes <= Scheduled.
	Scheduled  int       `json:"scheduled"`
	Supernodes int       `json:"supernodes"` // S; equals N (and Assign is the identity) when not coarsened
	Coarsened  bool      `json:"coarsened"`  // voxel clustering was applied (s_t < N)
	Assign     []int     `json:"-"`          // len N: supernode of each original node, in [0, S)
	SuperPos   []float64 `json:"-"`          // S*Dim: supernode positions (member means); equal to Pos when not coarsened
	Edges      Edges     `json:"-"`          // coarse edges between supernodes, neighbour (Src) -> node (Dst); no self loops
	EdgeAttr   []float64 `json:"-"`          // 2 per coarse edge: Euclidean length, then t
	FineAttr   []float64 `json:"-"`          // 2 per original node j (edge j -> Assign[j]): |pos_j - superpos_c|, then t
}

// NewPlan builds the Plan of cfg for n points of dimension dim (row-major in pos, copied) at
// noise level t (t = 0 pure noise, t = 1 data):
//
//   - dmp: (s_t, k_t) from the schedule for N = n and k = cfg.K; if s_t < n the points are
//     voxel-clustered (VoxelCluster) into at most s_t supernodes, and the coarse edges are the
//     kNN graph (KNNGraph) of the supernode positions with k = k_t;
//   - knn: no clustering, KNNGraph with k = cfg.K;
//   - long-short: no clustering, LongShortGraph with k = cfg.K, drawn from rng;
//   - full: no clustering, FullGraph.
//
// rng is used only by long-short (and must then be non-nil). Errors wrap ErrShape, ErrValue
// (NaN or infinite coordinates, t outside [0, 1]) or ErrConfig.
func NewPlan(pos []float64, n, dim int, t schedules.NoiseLevel, cfg PlanConfig, rng *rand.Rand) (*Plan, error) {
	if err := checkPositions("plan", pos, n, dim); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("graphs: plan of %d points: %w", n, ErrShape)
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("graphs: plan of %d points: %w: %w", n, err, ErrValue)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Kind == LongShort && rng == nil {
		return nil, fmt.Errorf("graphs: long-short plan of %d points: nil random source: %w", n, ErrConfig)
	}
	p := &Plan{Kind: cfg.Kind, T: t, N: n, Dim: dim, Pos: append([]float64(nil), pos...), Scheduled: n}
	var err error
	switch cfg.Kind {
	case DMP:
		sch, err := schedules.New(cfg.scheduleConfig(n))
		if err != nil {
			return nil, fmt.Errorf("graphs: dmp plan of %d points: %w: %w", n, err, ErrConfig)
		}
		st := sch.At(t)
		p.Scheduled, p.Neighbours = st.Supernodes, st.Neighbours
		p.Assign, p.Supernodes, p.SuperPos, err = VoxelCluster(p.Pos, n, dim, st.Supernodes, cfg.FloatRoot)
		if err != nil {
			return nil, err
		}
		p.Coarsened = st.Supernodes < n
		p.Edges, err = KNNGraph(p.SuperPos, p.Supernodes, dim, p.Neighbours)
		if err != nil {
			return nil, err
		}
	default:
		p.identity()
		switch cfg.Kind {
		case KNN:
			p.Neighbours = cfg.K
			p.Edges, err = KNNGraph(p.SuperPos, n, dim, cfg.K)
			if err != nil {
				return nil, err
			}
		case LongShort:
			p.Neighbours = cfg.K
			p.Edges = LongShortGraph(n, cfg.K, rng)
		case Full:
			p.Neighbours = n - 1
			p.Edges = FullGraph(n)
		}
	}
	lengths, err := EdgeLengths(p.SuperPos, dim, p.Edges)
	if err != nil {
		return nil, err
	}
	p.EdgeAttr = EdgeAttributes(lengths, float64(t))
	p.FineAttr, err = FineAttributes(p.Pos, p.SuperPos, dim, p.Assign, float64(t))
	if err != nil {
		return nil, err
	}
	return p, nil
}

// identity sets the plan to full resolution: every node its own supernode.
func (p *Plan) identity() {
	p.Supernodes = p.N
	p.Assign = make([]int, p.N)
	for i := range p.Assign {
		p.Assign[i] = i
	}
	p.SuperPos = append([]float64(nil), p.Pos...)
}

// FineEdges returns the fine-to-supernode edges j -> Assign[j] of the plan.
func (p *Plan) FineEdges() Edges { return FineEdges(p.Assign) }

// Validate reports, wrapping ErrShape, an inconsistency between the plan's fields (for plans
// not made by NewPlan).
func (p *Plan) Validate() error {
	switch {
	case p == nil:
		return fmt.Errorf("graphs: nil plan: %w", ErrShape)
	case p.N < 0 || p.Dim < 1 || len(p.Pos) != p.N*p.Dim:
		return fmt.Errorf("graphs: plan of %d points of dimension %d has %d coordinates: %w", p.N, p.Dim, len(p.Pos), ErrShape)
	case p.Supernodes < 0 || len(p.SuperPos) != p.Supernodes*p.Dim:
		return fmt.Errorf("graphs: plan with %d supernodes of dimension %d has %d supernode coordinates: %w", p.Supernodes, p.Dim, len(p.SuperPos), ErrShape)
	case len(p.Assign) != p.N || len(p.FineAttr) != 2*p.N:
		return fmt.Errorf("graphs: plan of %d points has %d assignments and %d fine attributes: %w", p.N, len(p.Assign), len(p.FineAttr), ErrShape)
	case len(p.Edges.Src) != len(p.Edges.Dst) || len(p.EdgeAttr) != 2*len(p.Edges.Src):
		return fmt.Errorf("graphs: plan has %d sources, %d destinations and %d edge attributes: %w", len(p.Edges.Src), len(p.Edges.Dst), len(p.EdgeAttr), ErrShape)
	}
	for j, c := range p.Assign {
		if c < 0 || c >= p.Supernodes {
			return fmt.Errorf("graphs: plan: node %d assigned to supernode %d of %d: %w", j, c, p.Supernodes, ErrShape)
		}
	}
	for m, j := range p.Edges.Src {
		if i := p.Edges.Dst[m]; j < 0 || j >= p.Supernodes || i < 0 || i >= p.Supernodes {
			return fmt.Errorf("graphs: plan: edge %d is %d -> %d with %d supernodes: %w", m, j, i, p.Supernodes, ErrShape)
		}
	}
	return nil
}
