package taste

import (
	"math"
	"math/rand/v2"
)

// example is one training paper: its vector, its class (+1 wanted, -1 not)
// and its cost weight.
type example struct {
	x Vector
	y float64
	c float64
}

// trainSVM fits a linear SVM with squared hinge loss and L2 penalty,
//
//	min ½‖w‖² + Σ cᵢ·max(0, 1 − yᵢ(w·xᵢ + b))²,
//
// by dual coordinate descent (Hsieh et al. 2008, what liblinear and
// scikit-learn's LinearSVC run), with the bias as one more feature of value
// 1 (liblinear's intercept_scaling 1). Examples are visited in a seeded
// order, so the same data gives the same weights. It returns the weights
// over cols columns and the bias.
func trainSVM(ex []example, cols int) ([]float64, float64) {
	w := make([]float64, cols)
	var b float64
	alpha := make([]float64, len(ex))
	diag := make([]float64, len(ex))
	q := make([]float64, len(ex))
	for i, e := range ex {
		diag[i] = 1 / (2 * e.c)
		q[i] = e.x.Dot(e.x) + 1 + diag[i]
	}
	order := make([]int, len(ex))
	for i := range order {
		order[i] = i
	}
	rnd := rand.New(rand.NewPCG(7, 17))
	for epoch := 0; epoch < maxEpochs; epoch++ {
		rnd.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		worst := 0.0
		for _, i := range order {
			e := ex[i]
			g := e.y*(dense(w, e.x)+b) - 1 + diag[i]*alpha[i]
			pg := g
			if alpha[i] == 0 {
				pg = min(g, 0)
			}
			worst = max(worst, math.Abs(pg))
			if pg == 0 {
				continue
			}
			old := alpha[i]
			alpha[i] = max(alpha[i]-g/q[i], 0)
			d := (alpha[i] - old) * e.y
			for k, c := range e.x.Cols {
				w[c] += d * float64(e.x.Vals[k])
			}
			b += d
		}
		if worst < tolerance {
			break
		}
	}
	return w, b
}

// maxEpochs and tolerance stop the descent: passes over the data, and the
// largest projected gradient that counts as converged.
const (
	maxEpochs = 200
	tolerance = 1e-2
)

// balanced returns the cost weights of scikit-learn's class_weight
// "balanced" (n / (2·n_class)) for pos positives and neg negatives, with
// weight counted as in each class (a strong negative counts more).
func balanced(pos, neg float64) (cpos, cneg float64) {
	n := pos + neg
	if pos == 0 || neg == 0 {
		return 1, 1
	}
	return n / (2 * pos), n / (2 * neg)
}
