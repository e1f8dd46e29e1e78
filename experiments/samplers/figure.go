package samplers

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"github.com/ncgn/ncgn/experiments"
)

// figures draws, for each quality metric of the task, the metric against the network
// evaluations: one line per network and sampler (means over seeds), the paper's sampler of
// each network as a dashed line. A task without any computed cell draws nothing.
func (r *runner) figures(res *results) error {
	t := res.t
	for _, m := range t.qualityKeys() {
		lp := experiments.LinePlot{
			Title:   fmt.Sprintf("%s: %s against network evaluations", t.Title, metricTitle(t, m)),
			Caption: fmt.Sprintf("preset %s, mean over %d seed(s); dashed: the paper's sampler (%s)", r.p.Scale, r.env.Replicates(), t.Paper.Title()),
			XLabel:  "network evaluations per batch (log scale)",
			YLabel:  metricTitle(t, m),
			LogX:    true,
		}
		for _, n := range networks {
			var samplers []string
			for _, s := range t.Settings {
				if !slices.Contains(samplers, s.Sampler) {
					samplers = append(samplers, s.Sampler)
				}
			}
			for _, sampler := range samplers {
				ser := experiments.Series{Name: n.Title() + ", " + sampler}
				for _, s := range t.Settings {
					cell := cellName(t.Name, n, s)
					if s.Sampler != sampler || len(res.reps[cell]) == 0 {
						continue
					}
					ser.X, ser.Y = append(ser.X, res.mean(cell, KeyNFE)), append(ser.Y, res.mean(cell, m))
				}
				if len(ser.X) > 0 {
					lp.Series = append(lp.Series, ser)
				}
			}
			if v := res.mean(cellName(t.Name, n, t.Paper), m); !math.IsNaN(v) {
				lp.Lines = append(lp.Lines, experiments.HLine{Name: n.Title() + ", the paper's sampler", Y: v})
			}
		}
		if len(lp.Series) == 0 {
			continue
		}
		path := filepath.Join(r.env.OutDir, fmt.Sprintf("%s-%s.png", t.Name, figureSuffix(m)))
		if err := lp.WritePNG(path, 7, 5); err != nil {
			return fmt.Errorf("samplers: %w", err)
		}
		r.env.Logf("figure written to %s", path)
	}
	return nil
}

// figureSuffix names a metric's figure file: "w2" or "nna".
func figureSuffix(key string) string {
	if key == KeyNNACD {
		return "nna"
	}
	return key
}

// metricTitle returns the title of metric key in task t.
func metricTitle(t *task, key string) string {
	for _, m := range t.Metrics {
		if m.Key == key {
			return m.Title
		}
	}
	return key
}
