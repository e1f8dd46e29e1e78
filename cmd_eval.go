package main

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/metrics"
	"github.com/urfave/cli/v2"
)

// evalMetrics lists the values of eval's --metric flag in the order "all" computes them.
var evalMetrics = []string{"w2", "mmd-cd", "cov-cd", "1nna-cd", "mmd-emd", "cov-emd", "1nna-emd"}

func init() {
	register(&cli.Command{
		Name:      "eval",
		Usage:     "score generated samples against reference samples: the paper's W2, MMD/COV/1-NNA under CD and EMD",
		UsageText: "ncgn eval --samples S.npy --reference R.npy [--metric " + strings.Join(evalMetrics, "|") + "|all] [--normalize N] [--json]",
		Description: "Reads two float32/float64 .npy arrays of shape (m, n, d) (m clouds or graphs of n nodes in d dimensions)\n" +
			"or (m, D) (m flattened samples); each sample is flattened in node order.\n\n" +
			"  w2        (default) the paper's \"W2\": the exact optimal-transport cost between the two sets of\n" +
			"            flattened samples, uniform weights, Euclidean ground cost (not squared), divided by\n" +
			"            --normalize (400 for ModelNet40, the number of time points for transcriptomics).\n" +
			"            Needs equal m; order-dependent for point clouds.\n" +
			"  mmd-cd, cov-cd, 1nna-cd, mmd-emd, cov-emd, 1nna-emd\n" +
			"            PointFlow's set metrics under Chamfer (squared, means, both directions) or exact EMD\n" +
			"            (Euclidean, matching cost / n); need (m, n, d) inputs with equal n and d; m may differ.\n" +
			"            MMD is not scaled (PointFlow's tables show MMD-CD x 10^3, MMD-EMD x 10^2); COV and\n" +
			"            1-NNA are percentages (1-NNA: 50 is ideal). Clouds are scored as given.\n" +
			"  all       w2 and, for (m, n, d) inputs, the six set metrics.\n\n" +
			"Output: one line per metric with its value (full float64 precision), |S|, |R| and convention.\n" +
			"With --json: one object {\"metric\", \"value\", \"convention\", \"samples\", \"reference\",\n" +
			"\"points_per_cloud\", \"normalize\"} for one metric, a JSON array of such objects for all.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "samples", Usage: "`FILE`.npy of generated samples, shape (m, n, d) or (m, D)"},
			&cli.StringFlag{Name: "reference", Usage: "`FILE`.npy of reference (test) samples, same trailing shape"},
			&cli.StringFlag{Name: "metric", Value: "w2", Usage: "`NAME`: " + strings.Join(evalMetrics, ", ") + " or all"},
			&cli.Float64Flag{Name: "normalize", Value: 1, Usage: "divide w2 by `N` > 0 (points or time points per sample)"},
			&cli.BoolFlag{Name: "json", Usage: "print JSON instead of text"},
		},
		Action: runEval,
	})
}

// runEval is the action of the eval command.
func runEval(c *cli.Context) error {
	samplesPath, refPath := c.String("samples"), c.String("reference")
	metric, normalize := strings.ToLower(c.String("metric")), c.Float64("normalize")
	switch {
	case c.Args().Present():
		return cli.Exit(fmt.Sprintf("ncgn eval: unexpected argument %q (files are given with --samples and --reference)", c.Args().First()), 2)
	case samplesPath == "":
		return cli.Exit("ncgn eval: --samples FILE.npy is required", 2)
	case refPath == "":
		return cli.Exit("ncgn eval: --reference FILE.npy is required", 2)
	case metric != "all" && !slices.Contains(evalMetrics, metric):
		return cli.Exit(fmt.Sprintf("ncgn eval: --metric %q is not one of %s, all", c.String("metric"), strings.Join(evalMetrics, ", ")), 2)
	case !(normalize > 0) || math.IsInf(normalize, 1):
		return cli.Exit(fmt.Sprintf("ncgn eval: --normalize %v: want a positive finite number", normalize), 2)
	case c.IsSet("normalize") && metric != "w2" && metric != "all":
		return cli.Exit(fmt.Sprintf("ncgn eval: --normalize applies to w2 only, not to --metric %s", metric), 2)
	}
	s, err := readEvalArray("--samples", samplesPath)
	if err != nil {
		return err
	}
	r, err := readEvalArray("--reference", refPath)
	if err != nil {
		return err
	}
	if !slices.Equal(s.Shape[1:], r.Shape[1:]) {
		return cli.Exit(fmt.Sprintf("ncgn eval: --samples %s has samples of shape %v but --reference %s has %v: each sample must have the same shape",
			samplesPath, s.Shape[1:], refPath, r.Shape[1:]), 1)
	}
	if len(s.Shape) != 3 && metric != "w2" && metric != "all" {
		return cli.Exit(fmt.Sprintf("ncgn eval: --metric %s needs point clouds of shape (m, n, d); --samples %s has shape %v",
			metric, samplesPath, s.Shape), 1)
	}
	var results []metrics.Result
	if metric == "w2" || metric == "all" {
		if s.Shape[0] != r.Shape[0] {
			return cli.Exit(fmt.Sprintf("ncgn eval: w2 needs as many samples as references: --samples %s holds %d, --reference %s holds %d",
				samplesPath, s.Shape[0], refPath, r.Shape[0]), 1)
		}
		points := 0
		if len(s.Shape) == 3 {
			points = s.Shape[1]
		}
		res, err := metrics.EvaluateW2(s.Samples(), r.Samples(), normalize, points)
		if err != nil {
			return cli.Exit(fmt.Sprintf("ncgn eval: w2 of %s against %s: %v", samplesPath, refPath, err), 1)
		}
		results = append(results, res)
	}
	if len(s.Shape) == 3 && metric != "w2" { // for flat samples, all is w2 alone
		sc, rc := s.Clouds(), r.Clouds()
		for _, d := range []metrics.Distance{metrics.DistCD, metrics.DistEMD} {
			which := evalSetMetrics(metric, d)
			if len(which) == 0 {
				continue
			}
			res, err := metrics.Evaluate(sc, rc, d, which...)
			if err != nil {
				return cli.Exit(fmt.Sprintf("ncgn eval: %v metrics of %s against %s: %v", d, samplesPath, refPath, err), 1)
			}
			results = append(results, res...)
		}
	}
	return printEval(c, results, metric == "all")
}

// readEvalArray reads a .npy file for eval and checks that it holds m >= 1 samples of shape
// (D) or (n, d) with positive sizes; flag names the flag the path came from.
func readEvalArray(flag, path string) (*datasets.Array, error) {
	a, err := datasets.ReadNpy(path)
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("ncgn eval: %s %s: %v", flag, path, err), 1)
	}
	if len(a.Shape) != 2 && len(a.Shape) != 3 {
		return nil, cli.Exit(fmt.Sprintf("ncgn eval: %s %s has shape %v; want (m, n, d) point clouds or (m, D) flattened samples", flag, path, a.Shape), 1)
	}
	for _, d := range a.Shape {
		if d == 0 {
			return nil, cli.Exit(fmt.Sprintf("ncgn eval: %s %s has shape %v: no samples or empty samples", flag, path, a.Shape), 1)
		}
	}
	return a, nil
}

// evalSetMetrics returns the set metrics under distance d that --metric asks for.
func evalSetMetrics(metric string, d metrics.Distance) []metrics.SetMetric {
	suffix := "-" + strings.ToLower(d.String())
	if metric == "all" {
		return []metrics.SetMetric{metrics.MetricMMD, metrics.MetricCOV, metrics.Metric1NNA}
	}
	switch metric {
	case "mmd" + suffix:
		return []metrics.SetMetric{metrics.MetricMMD}
	case "cov" + suffix:
		return []metrics.SetMetric{metrics.MetricCOV}
	case "1nna" + suffix:
		return []metrics.SetMetric{metrics.Metric1NNA}
	}
	return nil
}

// printEval writes the results as text lines or JSON (an array when asArray).
func printEval(c *cli.Context, results []metrics.Result, asArray bool) error {
	w := c.App.Writer
	if !c.Bool("json") {
		for _, r := range results {
			fmt.Fprintln(w, r.String())
		}
		return nil
	}
	var v any = results
	if !asArray {
		v = results[0]
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return cli.Exit(fmt.Sprintf("ncgn eval: writing JSON: %v", err), 1)
	}
	return nil
}
