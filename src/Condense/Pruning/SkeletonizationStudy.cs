using System.Diagnostics;
using Condense.Data;
using Condense.Models;

namespace Condense.Pruning;

/// <summary>
/// Skeletonization against magnitude at equal neuron counts: one dense model, and for each share
/// of hidden neurons the model without the least relevant ones (exact ablation and Mozer &amp;
/// Smolensky's gate-gradient estimate) and without the ones with the smallest incoming L1 norm,
/// each removed neuron replaced by its mean output (<see cref="Skeletonization"/>).
/// Neurons go 5 % of each layer at a time, rescored after each step (Mozer &amp; Smolensky's
/// iteration, without their retraining); accuracy straight after removal, so the curves compare
/// the scores and nothing else.
/// </summary>
internal static class SkeletonizationStudy
{
    public static SurveyStudyResult Run(Dataset train, Dataset test, SurveyStudyOptions options, Action<string>? progress = null, SurveyModelSink? sink = null, MlpModel? trained = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        train = options.Limit(train);
        var model = trained ?? options.Create(options.Seed);
        double dense;
        if (trained is null)
        {
            progress?.Invoke($"training the dense {options.Model} ({options.Training.Epochs} epochs on {train.Count} examples)");
            dense = Trainer.Train(model, train, test, options.Training with { Seed = options.Seed }).Final.Accuracy ?? 0;
        }
        else dense = Evaluator.Evaluate(model, test).Accuracy ?? 0;

        var (x, y) = SaliencyBatch.Sample(train, options.RelevanceSamples, options.Seed, "skeletonization");
        var points = new List<SurveyPoint>();
        using (x)
        using (y)
        {
            foreach (var score in Enum.GetValues<NeuronScore>())
            {
                var fractions = options.Sparsities.Order().ToArray();
                var models = Skeletonization.Iterate(model, x, y!, score, fractions);
                for (var k = 0; k < fractions.Length; k++)
                {
                    using var small = models[k];
                    var s = fractions[k];
                    var accuracy = Evaluator.Evaluate(small, test).Accuracy ?? 0;
                    var p = new SurveyPoint(Name(score), s, accuracy, (double)small.ParameterCount / model.ParameterCount, string.Join("-", small.Sizes), 0);
                    points.Add(p);
                    if (score == NeuronScore.Relevance) sink?.Invoke(p, small);
                    progress?.Invoke($"{p.Method,-19} {s,6:P0} of hidden neurons removed: {small.Sizes.Skip(1).SkipLast(1).Sum()} left, accuracy {accuracy:P2}");
                }
            }
        }
        if (trained is null) model.Dispose();
        return new SurveyStudyResult("skeletonization", options.Model.ToString(), test.Name, dense, trained is null ? options.Training.Epochs : 0, points, Findings(points), clock.Elapsed.TotalSeconds);
    }

    public static string Name(NeuronScore score) => score switch
    {
        NeuronScore.Relevance => "relevance",
        NeuronScore.RelevanceGradient => "relevance-gradient",
        _ => "magnitude",
    };

    static IReadOnlyList<string> Findings(IReadOnlyList<SurveyPoint> points)
    {
        var findings = new List<string>();
        foreach (var s in points.Select(p => p.Sparsity).Distinct())
        {
            var at = points.Where(p => p.Sparsity == s).ToDictionary(p => p.Method, p => p.Accuracy);
            var r = at[Name(NeuronScore.Relevance)];
            var m = at[Name(NeuronScore.Magnitude)];
            findings.Add($"{s:P0} of hidden neurons removed: relevance {r:P2}, relevance estimate {at[Name(NeuronScore.RelevanceGradient)]:P2}, magnitude {m:P2} ({(r >= m ? "relevance ahead" : "magnitude ahead")} by {Math.Abs(r - m) * 100:F2} points)");
        }
        return findings;
    }
}
