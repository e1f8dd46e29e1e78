package experiments

import "context"

// Steps are the three steps of a run that most experiments share: compute the selected cells
// (skipped under --report), write the tables and figures from what the output folder holds,
// and, under --report, list the cell replicates still missing.
type Steps struct {
	Compute func(context.Context) error
	Write   func() error
	Missing func() ([]string, error)
}

// Run takes the steps for env in order and returns, under --report, an error wrapping
// ErrIncomplete naming the missing cell replicates of experiment (Incomplete).
func (s Steps) Run(ctx context.Context, env Env, experiment string) error {
	if !env.Report {
		if err := s.Compute(ctx); err != nil {
			return err
		}
	}
	if err := s.Write(); err != nil {
		return err
	}
	if !env.Report {
		return nil
	}
	missing, err := s.Missing()
	if err != nil {
		return err
	}
	return Incomplete(experiment, missing)
}
