package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
	"gorgonia.org/tensor"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
)

func init() {
	register(&cli.Command{
		Name:  "model",
		Usage: "inspect a network before training it",
		Subcommands: []*cli.Command{{
			Name:  "summary",
			Usage: "print each layer's parameter tensors with their shapes and counts, and the total",
			Description: "Builds the DMP network of --task (the reference's sizes: modelnet40 width 64, transcriptomics\n" +
				"width 32, both 3 layers; --width and --layers override them) without training it, and prints\n" +
				"every parameter tensor by layer with its shape and number of values, as Keras' summary or\n" +
				"torchinfo do; BatchNorm running statistics are listed as buffers and not counted. The network\n" +
				"is the same for every graph (--gnn): the baselines run it on graphs that are not coarsened.",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "arch", Value: string(models.ArchReference), Usage: "architecture: reference (the authors' network) or ncgn (this project's first one)"},
				&cli.StringFlag{Name: "task", Value: string(models.ModelNet40), Usage: "sizes of the experiment: modelnet40 or transcriptomics"},
				&cli.StringFlag{Name: "gnn", Value: string(graphs.DMP), Usage: "graph: dmp, knn, long-short or full (the parameters are the same)"},
				&cli.StringFlag{Name: "conv", Value: string(models.GAT), Usage: "message passing: gcn or gat"},
				&cli.IntFlag{Name: "width", Usage: "hidden width (default: the task's)"},
				&cli.IntFlag{Name: "layers", Usage: "message-passing layers (default: the task's)"},
				&cli.BoolFlag{Name: "json", Usage: "print JSON instead of a table"},
			},
			Action: modelSummaryAction,
		}},
	})
}

// summaryTensor is one parameter tensor of a model summary.
type summaryTensor struct {
	Name      string `json:"name"`
	Shape     []int  `json:"shape"`
	Values    int    `json:"values"`
	Learnable bool   `json:"learnable"` // false: a buffer (BatchNorm running statistics)
}

// summaryLayer is one layer (the parameter names' common prefix) of a model summary.
type summaryLayer struct {
	Name    string          `json:"name"`
	Params  int             `json:"params"` // learnable values
	Tensors []summaryTensor `json:"tensors"`
}

// modelSummary is what `model summary` prints.
type modelSummary struct {
	Model   models.DMPConfig `json:"model"`
	Graph   graphs.Kind      `json:"graph"`
	Layers  []summaryLayer   `json:"layers"`
	Total   int              `json:"total_params"`   // learnable values
	Buffers int              `json:"buffer_values"`  // running statistics, not trained
	Authors int              `json:"authors_params"` // reference only: the authors' count, with the Linear they never use
}

func modelSummaryAction(c *cli.Context) error {
	bad := func(format string, a ...any) error {
		return cli.Exit("ncgn model summary: "+fmt.Sprintf(format, a...), 2)
	}
	conv := models.Conv(c.String("conv"))
	if conv != models.GCN && conv != models.GAT {
		return bad("--conv %q: want gcn or gat", conv)
	}
	cfg, err := models.TaskConfig(models.Task(c.String("task")), conv)
	if err != nil {
		return bad("--task: %v", err)
	}
	cfg.Arch = models.Arch(c.String("arch"))
	if w, l := c.Int("width"), c.Int("layers"); w < 0 || l < 0 || (c.IsSet("width") && w == 0) || (c.IsSet("layers") && l == 0) {
		return bad("--width %d, --layers %d: want positive sizes", w, l)
	}
	if w := c.Int("width"); w > 0 {
		cfg.Width = w
	}
	if l := c.Int("layers"); l > 0 {
		cfg.Layers = l
	}
	g := graphs.PlanConfig{Kind: graphs.Kind(c.String("gnn")), K: 1}
	if g.Kind == graphs.Full {
		g.K = 0
	}
	if err := g.Validate(); err != nil {
		return bad("--gnn: %v", err)
	}
	s, err := summarize(cfg, g.Kind)
	if err != nil {
		return bad("%v", err)
	}
	if c.Bool("json") {
		e := json.NewEncoder(c.App.Writer)
		e.SetIndent("", "  ")
		return e.Encode(s)
	}
	return s.write(c.App.Writer)
}

// summarize builds the network of cfg and lists its parameters by layer: a layer is a tensor
// name without its last component ("layer0.coarsen.lin_x" for "layer0.coarsen.lin_x.w_dst").
func summarize(cfg models.DMPConfig, graph graphs.Kind) (*modelSummary, error) {
	ps, err := layers.NewParams(tensor.Float32, 1)
	if err != nil {
		return nil, err
	}
	net, err := models.NewDMP(ps, cfg)
	if err != nil {
		return nil, err
	}
	s := &modelSummary{Model: net.Config(), Graph: graph}
	for _, p := range ps.All() {
		layer, name := p.Name, p.Name
		if i := strings.LastIndex(p.Name, "."); i >= 0 {
			layer, name = p.Name[:i], p.Name[i+1:]
		}
		if n := len(s.Layers); n == 0 || s.Layers[n-1].Name != layer {
			s.Layers = append(s.Layers, summaryLayer{Name: layer})
		}
		l := &s.Layers[len(s.Layers)-1]
		t := summaryTensor{Name: name, Shape: p.Value.Shape().Clone(), Values: p.Value.Shape().TotalSize(), Learnable: p.Learnable}
		l.Tensors = append(l.Tensors, t)
		if t.Learnable {
			l.Params += t.Values
			s.Total += t.Values
		} else {
			s.Buffers += t.Values
		}
	}
	if s.Total != ps.Count() {
		return nil, fmt.Errorf("summary counts %d parameters, the store %d", s.Total, ps.Count())
	}
	if cfg.Arch == models.ArchReference {
		s.Authors = s.Total + cfg.Width*cfg.Out + cfg.Out
	}
	return s, nil
}

// write prints the summary as a table.
func (s *modelSummary) write(w io.Writer) error {
	m := s.Model
	fmt.Fprintf(w, "DMP network, %s architecture: %s, width %d, %d layers, %d inputs + t, %d outputs, %d-D positions; graph %s\n\n",
		m.Arch, m.Conv, m.Width, m.Layers, m.In, m.Out, m.PosDim, s.Graph)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "layer\ttensor\tshape\tvalues\tlayer params\t")
	for _, l := range s.Layers {
		for i, t := range l.Tensors {
			name, total := "", ""
			if i == 0 {
				name, total = l.Name, thousands(l.Params)
			}
			vals := thousands(t.Values)
			if !t.Learnable {
				vals += " (buffer)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\t\n", name, t.Name, t.Shape, vals, total)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\ntotal parameters: %s (learnable); buffers: %s values (BatchNorm running statistics, not trained)\n", thousands(s.Total), thousands(s.Buffers))
	if s.Authors > 0 {
		fmt.Fprintf(w, "the authors' code reports %s: it also creates a Linear(%d, %d) that it never uses\n", thousands(s.Authors), m.Width, m.Out)
	}
	return nil
}

// thousands formats n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
