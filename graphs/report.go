package graphs

import (
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"github.com/ncgn/ncgn/schedules"
)

// Report describes the graph a network sees for one cloud at one noise level (the JSON of
// `ncgn graph`): the input (File, Index, T, Noised, filled by the caller) and the Plan's sizes.
type Report struct {
	File       string  `json:"file"`
	Index      int     `json:"index"`
	T          float64 `json:"t"`
	Noised     string  `json:"noised,omitempty"` // the process used by --noise
	GNN        string  `json:"gnn"`
	Schedule   string  `json:"schedule,omitempty"`
	K          int     `json:"k"`
	Dim        int     `json:"dim"`
	Points     int     `json:"points"`
	Scheduled  int     `json:"scheduled_supernodes"` // s_t (dmp) or points
	Voxels     int     `json:"voxels_per_dim,omitempty"`
	Supernodes int     `json:"supernodes"`
	Coarsened  bool    `json:"coarsened"`
	Edges      int     `json:"edges"`      // coarse edges
	Neighbours int     `json:"neighbours"` // k_t (dmp), k, or points-1 (full)
	MeanEdge   float64 `json:"mean_edge_length"`
	MeanFine   float64 `json:"mean_distance_to_supernode"`
}

// NewReport describes plan p built with cfg; the caller fills the input fields.
func NewReport(p *Plan, cfg PlanConfig) Report {
	r := Report{
		GNN: string(cfg.Kind), K: cfg.K, Dim: p.Dim, Points: p.N, Scheduled: p.Scheduled, Supernodes: p.Supernodes,
		Coarsened: p.Coarsened, Edges: p.Edges.Len(), Neighbours: p.Neighbours,
		MeanEdge: meanAttr(p.EdgeAttr), MeanFine: meanAttr(p.FineAttr),
	}
	if cfg.Kind == DMP {
		r.Schedule = string(cfg.Schedule)
		if r.Schedule == "" {
			r.Schedule = string(schedules.Exp)
		}
		if p.Coarsened {
			r.Voxels = VoxelsPerDim(p.Scheduled, p.Dim, cfg.FloatRoot)
		}
	}
	return r
}

// meanAttr returns the mean of the first of each pair of attributes (a length).
func meanAttr(attr []float64) float64 {
	if len(attr) < 2 {
		return 0
	}
	var s float64
	for i := 0; i < len(attr); i += 2 {
		s += attr[i]
	}
	return s / float64(len(attr)/2)
}

// WriteText writes r as aligned lines: the cloud, the noise level, the graph, its supernodes and
// its coarse and fine edges.
func (r Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	cloud := r.File
	if r.Index != 0 {
		cloud += fmt.Sprintf(" [%d]", r.Index)
	}
	fmt.Fprintf(tw, "cloud\t%s: %d points, %d-D\n", cloud, r.Points, r.Dim)
	noise := "points taken as x_t"
	if r.Noised != "" {
		noise = "points noised to level t (" + r.Noised + ")"
	}
	fmt.Fprintf(tw, "noise level\tt = %v (0 = pure noise, 1 = data); %s\n", r.T, noise)
	switch r.GNN {
	case string(DMP):
		fmt.Fprintf(tw, "graph\tdmp, %s schedule, k = %d: s_t = %d supernodes, k_t = %d neighbours\n", r.Schedule, r.K, r.Scheduled, r.Neighbours)
		if r.Coarsened {
			fmt.Fprintf(tw, "supernodes\t%d (voxel clustering, %d cells per dimension, %d cells occupied)\n", r.Supernodes, r.Voxels, r.Supernodes)
		} else {
			fmt.Fprintf(tw, "supernodes\t%d (full resolution: s_t = N)\n", r.Supernodes)
		}
	case string(Full):
		fmt.Fprintf(tw, "graph\tfull: every node receives from all %d others\n", r.Neighbours)
		fmt.Fprintf(tw, "supernodes\t%d (full resolution)\n", r.Supernodes)
	default:
		fmt.Fprintf(tw, "graph\t%s, k = %d\n", r.GNN, r.K)
		fmt.Fprintf(tw, "supernodes\t%d (full resolution)\n", r.Supernodes)
	}
	fmt.Fprintf(tw, "coarse edges\t%d (%d per supernode), mean length %.4g\n", r.Edges, min(r.Neighbours, r.Supernodes-1), r.MeanEdge)
	fmt.Fprintf(tw, "fine edges\t%d (one per point to its supernode), mean length %.4g\n", r.Points, r.MeanFine)
	return tw.Flush()
}

// Title is a two-line figure title for r.
func (r Report) Title() string {
	g := r.GNN
	if r.GNN == string(DMP) {
		g = fmt.Sprintf("dmp (%s, k = %d, k_t = %d)", r.Schedule, r.K, r.Neighbours)
	} else if r.GNN != string(Full) {
		g = fmt.Sprintf("%s (k = %d)", r.GNN, r.K)
	}
	noise := ""
	if r.Noised != "" {
		noise = ", noised (" + r.Noised + ")"
	}
	if !r.Coarsened {
		return fmt.Sprintf("%s, t = %v%s: %s\n%d points at full resolution, %d edges (x-y projection)",
			filepath.Base(r.File), r.T, noise, g, r.Points, r.Edges)
	}
	return fmt.Sprintf("%s, t = %v%s: %s\n%d points, %d supernodes, %d coarse edges (x-y projection)",
		filepath.Base(r.File), r.T, noise, g, r.Points, r.Supernodes, r.Edges)
}
