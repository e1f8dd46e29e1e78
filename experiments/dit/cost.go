package dit

import (
	"fmt"

	"github.com/ncgn/ncgn/models"
)

// Cost is the compute of one network evaluation of one image, averaged over DDPM indices.
type Cost struct {
	// Tokens and Pairs are the tokens and attention query-key pairs (per head and block).
	Tokens, Pairs float64
	// FLOPs counts multiply-adds twice: the patch embedding, per block the query, key, value,
	// output and MLP maps (12 T D² multiply-adds at MLP ratio 4) and the attention's scores
	// and weighted sums (2 pairs · D), and the final layer; the per-image conditioning
	// (timestep and label embeddings, adaLN maps) is left out, the same for both models.
	FLOPs float64
	// ByPatch holds the cost at each patch size the model uses, and Share the fraction of
	// the DDPM indices at that patch.
	ByPatch map[int]Cost `json:"by_patch,omitempty"`
	Share   map[int]float64
}

// patchCost returns the cost of one evaluation at patch p with attention window w on a
// Size × Size input.
func patchCost(cfg models.DiTConfig, p, w int) Cost {
	side := cfg.Size / p
	T := float64(side * side)
	e := min(w, side)
	pairs := T * float64(e*e)
	D := float64(cfg.Hidden)
	r := float64(cfg.MLPRatio)
	if r == 0 {
		r = 4
	}
	in := float64(p * p * cfg.InChannels)
	out := float64(p * p * max(cfg.OutChannels, cfg.InChannels))
	if cfg.LearnSigma {
		out *= 2 // the variance values
	}
	block := T*(4*D*D+2*r*D*D) + 2*pairs*D
	macs := T*in*D + float64(cfg.Depth)*block + T*D*out
	return Cost{Tokens: T, Pairs: pairs, FLOPs: 2 * macs}
}

// modelCost returns the cost of net averaged over the timesteps DDPM indices (uniform, the
// training distribution; also the average over all sampling steps).
func modelCost(net network, cfg models.DiTConfig, timesteps int) (Cost, error) {
	c := Cost{ByPatch: map[int]Cost{}, Share: map[int]float64{}}
	count := map[int]int{}
	for i := range timesteps {
		p, err := net.PatchAt(i)
		if err != nil {
			return Cost{}, fmt.Errorf("dit: cost at index %d: %w", i, err)
		}
		count[p]++
	}
	for p, n := range count {
		pc := patchCost(cfg, p, net.Window(p))
		share := float64(n) / float64(timesteps)
		c.ByPatch[p], c.Share[p] = pc, share
		c.Tokens += share * pc.Tokens
		c.Pairs += share * pc.Pairs
		c.FLOPs += share * pc.FLOPs
	}
	return c, nil
}
