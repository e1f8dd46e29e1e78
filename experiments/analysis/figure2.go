package analysis

import (
	"fmt"
	"math"
	"path/filepath"
	"time"
)

// figure2 writes figure2.{csv,png,md}: r* maximising κ(r, c) against the SNR c.
func (r *runner) figure2() error {
	t0 := time.Now()
	snrs := PaperSNRs()
	// The plot's SNRs: log-spaced from 1e-2 to 1e3, plus the paper's.
	var plotSNRs []float64
	for i := 0; i < r.p.PlotSNRs; i++ {
		plotSNRs = append(plotSNRs, math.Pow(10, -2+5*float64(i)/float64(r.p.PlotSNRs-1)))
	}
	var rows [][]string
	rStar := map[float64]float64{}
	for _, c := range snrs {
		rs, err := OptimalRadius(c)
		if err != nil {
			return err
		}
		rStar[c] = rs
		rows = append(rows, []string{ff(c), fmt.Sprintf("%.6f", rs), fmt.Sprintf("%.8g", Kappa(rs, c)), fmt.Sprintf("%.8g", 0.5*math.Log(Kappa(rs, c))), "paper"})
	}
	curve := struct{ x, y []float64 }{}
	for _, c := range plotSNRs {
		rs, err := OptimalRadius(c)
		if err != nil {
			return err
		}
		curve.x, curve.y = append(curve.x, c), append(curve.y, rs)
		rows = append(rows, []string{ff(c), fmt.Sprintf("%.6f", rs), fmt.Sprintf("%.8g", Kappa(rs, c)), fmt.Sprintf("%.8g", 0.5*math.Log(Kappa(rs, c))), "plot"})
	}
	pv := r.provenance("none (closed form of Lemma A.1 as corrected in docs/REFERENCE.md §10)", time.Since(t0).Seconds(), false)
	if err := writeCSV(r.env.OutDir, "figure2", []string{"snr", "r_star", "kappa_max", "mutual_information", "grid"}, rows, pv); err != nil {
		return err
	}
	// Left: I = ½ log κ against r at several SNRs; right: r* against the SNR.
	left := panel{Title: "mutual information ½ log κ(r, c)", XLabel: "radius r", YLabel: "I(x₁; Y)"}
	for _, c := range r.p.CurveSNRs {
		s := seriesOf(fmt.Sprintf("SNR %g", c))
		for i := 1; i <= 200; i++ {
			x := float64(i) / 200
			s.X, s.Y = append(s.X, x), append(s.Y, 0.5*math.Log(Kappa(x, c)))
		}
		left.Series = append(left.Series, s)
	}
	right := panel{Title: "optimal radius r* = argmax κ(r, c)", XLabel: "SNR c (log)", YLabel: "r*", LogX: true}
	s := seriesOf("r*")
	s.X, s.Y = curve.x, curve.y
	right.Series = append(right.Series, s)
	title := fmt.Sprintf("Figure 2: optimal aggregation radius against the SNR (κ of Lemma A.2's form); commit %.12s", r.env.Commit)
	if err := writePanels(filepath.Join(r.env.OutDir, "figure2.png"), title, 1, 2, []panel{left, right}, 10, 4); err != nil {
		return err
	}
	lo, hi := rStar[snrs[0]], rStar[snrs[len(snrs)-1]]
	monotone := true
	for i := 1; i < len(snrs); i++ {
		if !(rStar[snrs[i]] < rStar[snrs[i-1]]) {
			monotone = false
		}
	}
	ours := fmt.Sprintf("r* falls from %.4f at SNR %g to %.4f at SNR %g (r* = %.4f at SNR 1, %.4f at SNR 10, %.4f at SNR 100); strictly decreasing over the 11 SNRs: %v. "+
		"For large c, r* ≈ (9/(10c))^(1/6) (the leading terms of Lemma A.2's numerator), so r* keeps shrinking slowly; for c → 0 it tends to the root of 9 − 18r² − 6r⁵ (≈ 0.68).",
		lo, snrs[0], hi, snrs[len(snrs)-1], rStar[1], rStar[10], rStar[100], monotone)
	verdict := "Agrees: the radius that maximises the mutual information shrinks as the SNR grows (Theorem 3.2)."
	if !monotone {
		verdict = "Does not agree: r* is not monotone in the SNR here."
	}
	return writeCaption(r.env.OutDir, caption{
		Figure: "figure2",
		Title:  "Figure 2: optimal radius for different noise levels",
		Claim: "\"Clearly, increasing the signal-to-noise ratio causes the radius with maximum mutual information to decrease, and decreasing the " +
			"signal-to-noise ratio causes the radius that achieves maximum mutual information to increase\" (Section 3.1.1, Theorem 3.2), with " +
			"ρ = 1 − d² and Lemma 3.1.",
		Method: "κ(r, c) = (2/c + 4r − 8r³/3) / (2/c + 4r⁶/9), the form whose derivative Lemma A.2 prints (the statement of Lemma A.1 prints 8r³/9; " +
			"its proof ends with 8r³/3; docs/REFERENCE.md §10). r* in (0, 1] maximises κ by golden-section search on κ alone (tolerance 1e-10, after a 200-point " +
			"bracketing scan); a test checks that Lemma A.2's closed-form derivative changes sign from + to − within 1e-4 of r* and that no point of a " +
			"10⁴-point grid beats it. figure2.csv gives r* at the 11 SNRs of the issue (grid = paper) and at the plot's log-spaced SNRs (grid = plot).",
		Ours:    ours,
		Verdict: verdict,
		Notes: []string{
			"Deriving κ from Lemma 3.1 directly with ρ = 1 − d² gives A − B² = −4r⁶/9 < 0: the example \"correlation\" is not positive definite and " +
				"the printed κ flips that sign. We follow the printed κ (docs/REFERENCE.md §10); the qualitative claim, that the optimal radius shrinks as " +
				"the SNR grows, is the same.",
			"Lemma A.3's proof has a sign typo (it writes − 10c₁r⁶ where substituting the stationarity condition gives + 10c₁r⁶); its result, a numerator " +
				"18c₂(c₂ − c₁) r⁶ (4r² − 10) > 0 for c₂ < c₁, is right, as the monotone r* here confirms numerically.",
		},
	}, pv)
}
