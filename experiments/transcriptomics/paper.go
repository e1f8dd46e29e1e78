package transcriptomics

import (
	st "github.com/ncgn/ncgn/datasets/transcriptomics"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
)

// Method is one column of Table 3: a graph with a message-passing layer, or the random
// baseline (Random set, Graph and Conv empty).
type Method struct {
	Random bool        `json:"random,omitempty"`
	Graph  graphs.Kind `json:"graph,omitempty"`
	Conv   models.Conv `json:"conv,omitempty"`
}

// Key returns the method's column key: "random", or graph-conv such as "dmp-gcn".
func (m Method) Key() string {
	if m.Random {
		return "random"
	}
	return string(m.Graph) + "-" + string(m.Conv)
}

// Title returns the column title, e.g. "DMP GCN".
func (m Method) Title() string {
	if m.Random {
		return "random"
	}
	return m.Graph.Title() + " " + m.Conv.Title()
}

// Methods returns the columns of Table 3 in the paper's order: random, then kNN, fully
// connected and DMP, each with GCN and GAT.
func Methods() []Method {
	out := []Method{{Random: true}}
	for _, g := range Graphs() {
		for _, c := range []models.Conv{models.GCN, models.GAT} {
			out = append(out, Method{Graph: g, Conv: c})
		}
	}
	return out
}

// Graphs returns the graphs of Table 3 and Figure 11 in the paper's order.
func Graphs() []graphs.Kind { return []graphs.Kind{graphs.KNN, graphs.Full, graphs.DMP} }

// PaperTable3 is Table 3 of the paper (docs/REFERENCE.md §7): the flattened W2 of each task (rows, in
// the order of st.Tasks) for each method (Method.Key). The paper's conditional rows carry the
// reference's raw-value defect (docs/REFERENCE.md §9).
var PaperTable3 = map[st.Task]map[string]float64{
	st.Unconditional:         {"random": 2.452, "knn-gcn": 2.030, "knn-gat": 0.840, "full-gcn": 0.880, "full-gat": 1.094, "dmp-gcn": 0.812, "dmp-gat": 0.834},
	st.TemporalTrajectory:    {"random": 2.681, "knn-gcn": 2.290, "knn-gat": 1.022, "full-gcn": 1.060, "full-gat": 1.271, "dmp-gcn": 0.960, "dmp-gat": 1.032},
	st.TemporalInterpolation: {"random": 3.982, "knn-gcn": 3.390, "knn-gat": 2.946, "full-gcn": 2.923, "full-gat": 3.026, "dmp-gcn": 2.880, "dmp-gat": 2.912},
	st.GeneImputation:        {"random": 2.810, "knn-gcn": 2.943, "knn-gat": 2.527, "full-gcn": 2.507, "full-gat": 2.534, "dmp-gcn": 2.529, "dmp-gat": 2.575},
	st.SpaceImputation:       {"random": 3.344, "knn-gcn": 3.222, "knn-gat": 2.928, "full-gcn": 2.923, "full-gat": 2.946, "dmp-gcn": 2.907, "dmp-gat": 2.913},
	st.GeneKnockout:          {"random": 3.202, "knn-gcn": 2.890, "knn-gat": 2.390, "full-gcn": 2.424, "full-gat": 2.473, "dmp-gcn": 2.392, "dmp-gat": 2.397},
}

// PaperFigure11Random is the unconditional W2 of random predictions quoted with Figure 11
// (Appendix D.2; Table 3 prints 2.452). The figure's other values are not printed.
const PaperFigure11Random = 2.449
