//! L2-regularised logistic regression on binary features, trained by full-batch gradient
//! descent with per-feature (AdaGrad) step sizes: no randomness, so the same data give the
//! same weights, bit for bit.

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// L2 penalty per weight, relative to the (weighted) number of examples.
    pub l2: f64,
    /// Passes over the data.
    pub iterations: usize,
    /// Base step size.
    pub step: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            l2: 0.01,
            iterations: 150,
            step: 0.5,
        }
    }
}

/// A trained binary classifier: bias and one weight per feature index.
#[derive(Debug, Clone, PartialEq)]
pub struct Classifier {
    /// The intercept.
    pub bias: f64,
    /// Weight per feature index.
    pub weights: Vec<f64>,
}

impl Classifier {
    /// The probability of the positive class for an example with these active features.
    pub fn probability(&self, active: &[usize]) -> f64 {
        let z = self.bias
            + active
                .iter()
                .filter_map(|&f| self.weights.get(f))
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// Trains on `examples` (active feature indices below `features`) with `labels`; positives
/// weigh `positive_weight` (class weighting for rare codes).
pub fn train(
    examples: &[Vec<usize>],
    labels: &[bool],
    features: usize,
    positive_weight: f64,
    settings: Settings,
) -> Classifier {
    let mut model = Classifier {
        bias: 0.0,
        weights: vec![0.0; features],
    };
    let total: f64 = labels
        .iter()
        .map(|&y| if y { positive_weight } else { 1.0 })
        .sum();
    if total == 0.0 {
        return model;
    }
    let mut squared = vec![0.0; features];
    let mut bias_squared = 0.0;
    let mut gradient = vec![0.0; features];
    for _ in 0..settings.iterations {
        gradient.iter_mut().for_each(|g| *g = 0.0);
        let mut bias_gradient = 0.0;
        for (active, &y) in examples.iter().zip(labels) {
            let weight = if y { positive_weight } else { 1.0 };
            let error = weight * (model.probability(active) - f64::from(u8::from(y))) / total;
            bias_gradient += error;
            for &f in active {
                gradient[f] += error;
            }
        }
        for (f, g) in gradient.iter().enumerate() {
            let g = g + settings.l2 * model.weights[f];
            if g != 0.0 {
                squared[f] += g * g;
                model.weights[f] -= settings.step * g / squared[f].sqrt();
            }
        }
        bias_squared += bias_gradient * bias_gradient;
        if bias_squared > 0.0 {
            model.bias -= settings.step * bias_gradient / bias_squared.sqrt();
        }
    }
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feature_that_marks_the_positives_gets_the_weight() {
        // Feature 0 marks the positives, feature 1 is on everywhere, feature 2 is noise.
        let examples = vec![
            vec![0, 1],
            vec![0, 1, 2],
            vec![1],
            vec![1, 2],
            vec![1],
            vec![1, 2],
        ];
        let labels = [true, true, false, false, false, false];
        let model = train(&examples, &labels, 3, 2.0, Settings::default());
        assert!(model.weights[0] > 1.0, "{model:?}");
        assert!(model.weights[0] > model.weights[2].abs() * 3.0, "{model:?}");
        assert!(model.probability(&[0, 1]) > 0.8);
        assert!(model.probability(&[1]) < 0.2);
        // Deterministic.
        assert_eq!(
            model,
            train(&examples, &labels, 3, 2.0, Settings::default())
        );
    }
}
