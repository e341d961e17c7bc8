using Condense.Analysis;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Workflows;
using Google.Protobuf;
using Onnx;
using Xunit;

namespace Condense.Tests.Workflows;

/// <summary>
/// A plan is chosen on one set of samples and reported on another: the per-layer sensitivities the planner chooses from
/// are measured on selection samples carved from the calibration samples, and every reported figure (uniform settings,
/// the plan's file) on held-out samples only. Checked by recomputing each figure independently on the set it claims.
/// </summary>
public sealed class SelectionSplitTests
{
    [Fact]
    public void Selection_indices_are_evenly_spaced_distinct_and_within_the_calibration_samples()
    {
        Assert.Equal([0, 2, 5, 7], SelectionSplit.Indices(10, 4));
        // At most half the calibration samples are withheld from fitting.
        Assert.Equal([0], SelectionSplit.Indices(3, 8));
        Assert.Equal([0, 2], SelectionSplit.Indices(4, 8));
        Assert.Equal([0], SelectionSplit.Indices(5, 1));
        Assert.Empty(SelectionSplit.Indices(1, 4));
        var many = SelectionSplit.Indices(192, 16);
        Assert.Equal(16, many.Distinct().Count());
        Assert.All(many, i => Assert.InRange(i, 0, 191));
        Assert.Equal(many.Order(), many);
    }

    [Fact]
    public void Sensitivities_are_measured_on_selection_samples_and_reported_figures_on_held_out_ones_only()
    {
        using var dir = new TempDir();
        var path = dir.File("tiny.onnx");
        OnnxWriter.Write(path, TinyOnnxModels.ConvNet(5));
        var model = OnnxReader.Read(path);
        var data = CalibrationDataLoader.Load(model, new DataSpec(null, Count: 16, HeldOutFraction: 0.5, Seed: 3));
        Assert.Equal(8, data.Calibration.Count);
        Assert.Equal(8, data.HeldOut.Count);
        var (analysis, candidates) = OnnxAnalysis.Analyze(new OnnxAnalysisRequest(path, data,
            [QuantizationSetting.Parse("g4-rtn"), QuantizationSetting.Parse("k2-rtn")], SensitivitySamples: 4, MinSize: 200));
        using (candidates)
        {
            // Disjoint: every selection sample is a calibration sample, and none equals a held-out sample, by reference or by content.
            Assert.Equal(4, candidates.SelectionSamples);
            Assert.Equal(4, analysis.SensitivitySamples);
            Assert.All(candidates.SelectionInputs, s => Assert.Contains(s, data.Calibration));
            // Withheld from fitting: GPTQ's H (and every other fit) saw the other 4 calibration samples only.
            Assert.Equal(4, analysis.CalibrationSamples);
            var (fit, selected, _) = SelectionSplit.Of(data, 4);
            Assert.Equal(candidates.SelectionInputs, selected);
            Assert.All(selected, s => Assert.DoesNotContain(s, fit.Calibration));
            Assert.Equal(data.HeldOut, fit.HeldOut);
            var heldOutBytes = data.HeldOut.Select(Bytes).ToHashSet();
            Assert.All(candidates.SelectionInputs, s => Assert.DoesNotContain(Bytes(s), heldOutBytes));
            Assert.Equal(data.HeldOut, candidates.HeldOutInputs);
            Assert.Equal(8, analysis.HeldOutOutputSamples);
            Assert.Contains("selection samples taken from the calibration samples", analysis.SampleUse);

            // A per-layer sensitivity is the model's error on the selection samples (recomputed here from the built model).
            var layers = candidates.Layers.Count;
            var alone = new int[layers];
            alone[0] = 2;
            var selectionError = RelativeError(model.Proto, candidates.Compress(alone).Model, path, candidates.SelectionInputs);
            Assert.Equal(selectionError, analysis.Layers[0].Settings[1].ModelError, selectionError * 1e-4 + 1e-9);
            var heldOutError = RelativeError(model.Proto, candidates.Compress(alone).Model, path, data.HeldOut);
            Assert.True(Math.Abs(heldOutError - analysis.Layers[0].Settings[1].ModelError) > heldOutError * 1e-3, "the sensitivity is not the held-out figure");

            // A uniform setting's reported error is its file's on the held-out samples.
            for (int s = 1; s <= 2; s++)
            {
                var uniform = RelativeError(model.Proto, candidates.Compress([.. Enumerable.Repeat(s, layers)]).Model, path, data.HeldOut);
                Assert.Equal(uniform, analysis.Uniform[s - 1].Error, uniform * 1e-5 + 1e-9);
            }

            // The plan's reported error is its file's on the held-out samples, recomputed independently.
            var smallest = OnnxBudgetPlan.Range(analysis, candidates).Smallest;
            var plan = OnnxBudgetPlan.WithinBytes(analysis, candidates, (smallest + analysis.Original.Bytes) / 2);
            Assert.Equal(8, plan.Measured.Samples);
            var again = RelativeError(model.Proto, plan.Model, path, data.HeldOut);
            Assert.True(again > 0);
            Assert.Equal(again, plan.Measured.Error, again * 1e-5);
            var independent = OutputComparison.Measure(model.Proto, plan.Model, path, data with { Calibration = [] }, samples: data.HeldOut.Count);
            Assert.Equal(independent.Error, plan.Measured.Error, independent.Error * 1e-5);
        }
    }

    [Fact]
    public void Analysis_without_calibration_samples_is_refused_rather_than_choosing_on_held_out_ones()
    {
        using var dir = new TempDir();
        var path = dir.File("tiny.onnx");
        OnnxWriter.Write(path, TinyOnnxModels.ConvNet(5));
        var data = CalibrationDataLoader.Load(OnnxReader.Read(path), new DataSpec(null, Count: 8, HeldOutFraction: 0.5, Seed: 3));
        var refused = Assert.Throws<CondenseException>(() => OnnxAnalysis.Run(new OnnxAnalysisRequest(path, data with { Calibration = [] },
            [QuantizationSetting.Parse("g4-rtn")], MinSize: 200)));
        Assert.Contains("never on held-out", refused.Message);
    }

    static string Bytes(IReadOnlyList<TensorProto> sample) => string.Join("|", sample.Select(t => Convert.ToBase64String(t.ToByteArray())));

    // √(Σ‖y − ŷ‖² / Σ‖y‖²) over the samples, both models run here in fresh sessions.
    static double RelativeError(ModelProto original, ModelProto compressed, string path, IReadOnlyList<IReadOnlyList<TensorProto>> samples)
    {
        var y = HeldOutQuality.Outputs(original, path, samples);
        var z = HeldOutQuality.Outputs(compressed, path, samples);
        double diff = 0, norm = 0;
        for (int i = 0; i < y.Count; i++)
            for (int j = 0; j < y[i].Length; j++)
            {
                diff += (double)(y[i][j] - z[i][j]) * (y[i][j] - z[i][j]);
                norm += (double)y[i][j] * y[i][j];
            }
        return Math.Sqrt(diff / norm);
    }
}
