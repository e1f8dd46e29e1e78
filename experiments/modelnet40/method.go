package modelnet40

import (
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/schedules"
)

// Baseline names clouds made without a network, scored like a network's: the calibration
// columns of Table 1.
type Baseline string

// The baselines, in Table 1's order.
const (
	// BaselineRandom draws every coordinate from N(0, 1), the DDPM prior (zero denoising
	// steps): the paper's "random" column.
	BaselineRandom Baseline = "random"
	// BaselineOrigin puts every point at the origin: the clouds that minimise the paper's W2
	// for an order-free generator (docs/experiments.md, "What the paper's W2 measures").
	BaselineOrigin Baseline = "origin"
	// BaselineTraining takes real training clouds (as many as the test clouds, drawn with the
	// replicate's sampling seed): what a perfect generator would score.
	BaselineTraining Baseline = "training-clouds"
)

// Baselines are Table 1's baseline columns in order.
var Baselines = []Baseline{BaselineRandom, BaselineOrigin, BaselineTraining}

// Title returns the baseline's column title.
func (b Baseline) Title() string {
	switch b {
	case BaselineOrigin:
		return "origin"
	case BaselineTraining:
		return "training clouds"
	}
	return string(b)
}

// Method is one network of the experiment (a graph, a layer, a schedule for DMP and the
// diffusion orientation), or a baseline (Baseline set, the rest empty).
type Method struct {
	Baseline Baseline       `json:"baseline,omitempty"`
	Graph    graphs.Kind    `json:"graph,omitempty"`
	Conv     models.Conv    `json:"conv,omitempty"`
	Schedule schedules.Kind `json:"schedule,omitempty"` // DMP only
	// ReferenceOrientation trains and samples with the reference's inverted diffusion time
	// (generative.DDPMConfig.ReferenceOrientation, docs/REFERENCE.md §1 and §9).
	ReferenceOrientation bool `json:"reference_orientation,omitempty"`
}

// Cell returns the method's cell name in a run whose networks use the reference orientation
// when base is true: "table1/random" (a baseline), "table1/gcn-knn", "table1/gat-dmp" (the exp schedule, in
// both tables), "table2/gat-dmp-log", and for DMP GAT (exp) in the other orientation
// "table2/gat-dmp-exp-reference-orientation" (or "-paper-orientation").
func (m Method) Cell(base bool) string {
	switch {
	case m.Baseline != "":
		return "table1/" + string(m.Baseline)
	case m.Graph == graphs.DMP && m.ReferenceOrientation != base:
		o := "paper"
		if m.ReferenceOrientation {
			o = "reference"
		}
		return "table2/" + string(m.Conv) + "-dmp-" + string(m.Schedule) + "-" + o + "-orientation"
	case m.Graph == graphs.DMP && m.Schedule != schedules.Exp:
		return "table2/" + string(m.Conv) + "-dmp-" + string(m.Schedule)
	}
	return "table1/" + string(m.Conv) + "-" + string(m.Graph)
}

// Title returns the method's name in words, e.g. "DMP GAT (exp)".
func (m Method) Title() string {
	if m.Baseline != "" {
		return m.Baseline.Title()
	}
	t := m.Graph.Title() + " " + m.Conv.Title()
	if m.Graph == graphs.DMP {
		t += " (" + string(m.Schedule) + ")"
	}
	if m.ReferenceOrientation {
		t += ", reference orientation"
	}
	return t
}

// Convs are the rows of Table 1.
var Convs = []models.Conv{models.GCN, models.GAT}

// Table1Graphs are the network columns of Table 1, after the random baseline.
var Table1Graphs = []graphs.Kind{graphs.KNN, graphs.LongShort, graphs.DMP}

// Table1Method returns the Table 1 network of conv c and graph g (DMP with the exp schedule)
// in the reference orientation when ref is true.
func Table1Method(c models.Conv, g graphs.Kind, ref bool) Method {
	m := Method{Graph: g, Conv: c, ReferenceOrientation: ref}
	if g == graphs.DMP {
		m.Schedule = schedules.Exp
	}
	return m
}

// Table2Method returns the Table 2 network with schedule s (GAT, DMP); its exp column is
// Table 1's DMP GAT.
func Table2Method(s schedules.Kind, ref bool) Method {
	return Method{Graph: graphs.DMP, Conv: models.GAT, Schedule: s, ReferenceOrientation: ref}
}

// Methods returns every method of a run whose networks use the reference orientation when ref
// is true, in the order the run computes them: the baselines, Table 1 row by row, Table 2's
// other schedules, and DMP GAT (exp) in the other orientation.
func Methods(ref bool) []Method {
	var out []Method
	for _, b := range Baselines {
		out = append(out, Method{Baseline: b})
	}
	for _, c := range Convs {
		for _, g := range Table1Graphs {
			out = append(out, Table1Method(c, g, ref))
		}
	}
	for _, s := range schedules.Kinds {
		if s != schedules.Exp {
			out = append(out, Table2Method(s, ref))
		}
	}
	return append(out, Table2Method(schedules.Exp, !ref))
}

// PaperTable1 holds Table 1 of the paper (W2 × 10⁻²) by row (conv) and column ("random",
// "knn", "long-short", "dmp"); docs/REFERENCE.md §6.
var PaperTable1 = map[models.Conv]map[string]float64{
	models.GCN: {"random": 8.624, "knn": 5.882, "long-short": 4.315, "dmp": 4.215},
	models.GAT: {"random": 8.624, "knn": 5.598, "long-short": 4.741, "dmp": 4.263},
}

// PaperTable2 holds Table 2 of the paper (GAT DMP, W2 × 10⁻²) by schedule.
var PaperTable2 = map[schedules.Kind]float64{schedules.Linear: 4.495, schedules.Exp: 4.263, schedules.Log: 4.860, schedules.ReLU: 4.485}
