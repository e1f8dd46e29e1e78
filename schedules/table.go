package schedules

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

// Row is a schedule at one noise level: s_t, k_t and their product, the edge budget.
type Row struct {
	T          float64 `json:"t"`
	Supernodes int     `json:"supernodes"`
	Neighbours int     `json:"neighbours"`
	Product    int     `json:"product"`
}

// Rows evaluates s at n >= 2 evenly spaced noise levels from t = 0 (noise) to t = 1 (data).
func Rows(s Schedule, n int) ([]Row, error) {
	if n < 2 {
		return nil, fmt.Errorf("schedules: %d rows: %w (want at least 2, t = 0 and t = 1)", n, ErrConfig)
	}
	rows := make([]Row, n)
	for i := range rows {
		t := float64(i) / float64(n-1)
		st := s.At(NoiseLevel(t))
		rows[i] = Row{T: t, Supernodes: st.Supernodes, Neighbours: st.Neighbours, Product: st.EdgeBudget()}
	}
	return rows, nil
}

// formatT formats t in its shortest exact form (0, 0.1, 0.25, ...).
func formatT(t float64) string { return strconv.FormatFloat(t, 'f', -1, 64) }

// WriteTable writes rows of the schedule of cfg as an aligned text table under a header that
// states the form, N, k, the form's parameter and the boundary conditions.
func WriteTable(w io.Writer, cfg Config, rows []Row) error {
	if len(rows) == 0 {
		return fmt.Errorf("schedules: table of no rows: %w", ErrConfig)
	}
	fmt.Fprintf(w, "%s schedule: N = %d, k = %d", cfg.Kind, cfg.Nodes, cfg.K)
	switch cfg.Kind {
	case Exp, Log:
		fmt.Fprintf(w, ", curvature %g", cfg.Curvature)
	case ReLU:
		fmt.Fprintf(w, ", split %g", cfg.Split)
	}
	fmt.Fprintf(w, "; s_0 = ceil(sqrt(kN)) = %d, s_1 = N; k N = %d\n", rows[0].Supernodes, cfg.K*cfg.Nodes)
	fmt.Fprintln(w, "t = 0 is pure noise, t = 1 is data")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "t\tsupernodes\tneighbours\tproduct\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", formatT(r.T), r.Supernodes, r.Neighbours, r.Product)
	}
	return tw.Flush()
}

// WriteCSV writes rows as CSV with the columns t, supernodes, neighbours.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"t", "supernodes", "neighbours"}); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write([]string{formatT(r.T), strconv.Itoa(r.Supernodes), strconv.Itoa(r.Neighbours)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes {"config": cfg, "steps": rows}, indented.
func WriteJSON(w io.Writer, cfg Config, rows []Row) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Config Config `json:"config"`
		Steps  []Row  `json:"steps"`
	}{cfg, rows})
}
