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
    public void The_spread_order_visits_every_source_once_halves_first()
    {
        Assert.Equal([0, 3, 1, 5, 4, 2, 6], SelectionSplit.SpreadOrder(7));
        Assert.Equal([0, 4, 2, 6, 1, 5, 3, 7], SelectionSplit.SpreadOrder(8));
        Assert.Equal([0], SelectionSplit.SpreadOrder(1));
        Assert.Empty(SelectionSplit.SpreadOrder(0));
        for (int k = 1; k <= 100; k++) Assert.Equal(Enumerable.Range(0, k), SelectionSplit.SpreadOrder(k).Order());
    }

    [Fact]
    public void Whole_sources_are_withheld_when_the_data_says_which_samples_share_one()
    {
        // 48 crops of 7 photos, variant-major as the image loader makes them (photos 0–5 seven crops each, photo 6 six).
        var sources = Enumerable.Range(0, 48).Select(i => i % 7).ToList();
        // Four wanted: every crop of photo 0 (seven, more than asked, none of that photo fitted on).
        Assert.Equal([0, 7, 14, 21, 28, 35, 42], SelectionSplit.Indices(sources, 48, 4));
        // Eight: photos 0 and 3 (the spread order's first two of seven).
        Assert.Equal(Enumerable.Range(0, 48).Where(i => i % 7 is 0 or 3), SelectionSplit.Indices(sources, 48, 8));
        // As many as there are: at most half the samples (24): photos 0, 3, 1 (21); each further photo would pass 24.
        Assert.Equal(Enumerable.Range(0, 48).Where(i => i % 7 is 0 or 1 or 3), SelectionSplit.Indices(sources, 48, 100));
        // One calibration photo (ResNet18's two-photo folder): single crops, as without sources.
        Assert.Equal(SelectionSplit.Indices(32, 2), SelectionSplit.Indices(Enumerable.Repeat(0, 32).ToList(), 32, 2));
        // A source over half the samples is passed over; one is always left to fit on.
        Assert.Equal([10, 11], SelectionSplit.Indices([.. Enumerable.Repeat(0, 10), 1, 1], 12, 4));
        Assert.Equal([0, 1, 2], SelectionSplit.Indices([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3], 12, 3));
        // No sources, or a list that does not match: single samples.
        Assert.Equal(SelectionSplit.Indices(10, 4), SelectionSplit.Indices(null, 10, 4));
        Assert.Equal(SelectionSplit.Indices(10, 4), SelectionSplit.Indices([0, 1], 10, 4));
    }

    [Fact]
    public void The_split_fits_on_no_sample_of_a_withheld_source()
    {
        var samples = Enumerable.Range(0, 12).Select(i => (IReadOnlyList<TensorProto>)[OnnxTensorData.FromFloat32("x", [i], [1L])]).ToList();
        var data = new CalibrationData(samples, [samples[0]], "12 crops of 4 photos", false, CalibrationLabels: [.. Enumerable.Range(0, 12).Select(i => i % 2)])
            { CalibrationSources = [.. Enumerable.Range(0, 12).Select(i => i % 4)] };
        var (fit, selected, labels, whole) = SelectionSplit.Of(data, 4);
        // Photos 0 and 2 (three crops each; 3 < 4 wanted, so two photos).
        Assert.Equal(2, whole);
        Assert.Equal([0, 2, 4, 6, 8, 10], selected.Select(s => (int)OnnxTensorData.ToFloat32(s[0])[0]));
        Assert.Equal([0, 0, 0, 0, 0, 0], labels!);
        Assert.Equal([1, 3, 5, 7, 9, 11], fit.Calibration.Select(s => (int)OnnxTensorData.ToFloat32(s[0])[0]));
        Assert.Equal([1, 3, 1, 3, 1, 3], fit.CalibrationSources!);
        Assert.Equal([1, 1, 1, 1, 1, 1], fit.CalibrationLabels!);
        Assert.Equal(data.HeldOut, fit.HeldOut);
        // Without sources the same data withholds four single samples, and says no source was withheld whole.
        var (_, single, _, none) = SelectionSplit.Of(data with { CalibrationSources = null }, 4);
        Assert.Equal(4, single.Count);
        Assert.Equal(0, none);
        Assert.Throws<ArgumentException>(() => data with { CalibrationSources = [0, 1] });
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
            var (fit, selected, _, whole) = SelectionSplit.Of(data, 4);
            Assert.Equal(0, whole); // random rows: each its own source
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

            // The plan's whole-choice error on the selection samples is reported, recomputed here from its model, and no
            // uniform setting whose file fits the budget does better there (the selection check keeps the lowest).
            var onSelection = RelativeError(model.Proto, plan.Model, path, candidates.SelectionInputs);
            Assert.Equal(onSelection, plan.SelectionError!.Value, onSelection * 1e-4 + 1e-9);
            var budget = (smallest + analysis.Original.Bytes) / 2;
            for (int s = 1; s <= 2; s++)
            {
                var uniform = candidates.Compress([.. Enumerable.Repeat(s, layers)]);
                if (uniform.ModelBytesAfter > budget) continue;
                Assert.True(RelativeError(model.Proto, uniform.Model, path, candidates.SelectionInputs) >= onSelection * (1 - 1e-6));
            }
        }
    }

    [Fact]
    public void The_sample_use_names_whole_sources_and_warns_when_the_selection_shares_a_photo_with_the_fit()
    {
        OnnxAnalysisReport Report(int whole, bool shares) => new("m.onnx", "d", false, 41, 16, 7, new ModelMeasure("original", 1, 0, 1, null), [], [], [], TimeSpan.Zero)
            { SelectionSources = whole, SelectionSharesSources = shares };
        Assert.Contains("7 selection samples taken from the calibration samples (every sample of 1 source", Report(1, false).SampleUse);
        Assert.DoesNotContain("WARNING", Report(1, false).SampleUse);
        Assert.Contains("every sample of 2 sources", Report(2, false).SampleUse);
        Assert.DoesNotContain("every sample", Report(0, false).SampleUse);
        Assert.Contains("WARNING: they share their photo with samples fitted on", Report(0, true).SampleUse);
    }

    [Fact]
    public void The_plan_bench_refuses_a_selection_count_it_cannot_withhold_before_training()
    {
        using var dir = new TempDir();
        var folder = dir.File("bench");
        Assert.Contains("1–96", Assert.Throws<CondenseException>(() => ClassifierPlanBench.Run(folder, selectionSamples: 0)).Message);
        Assert.Contains("got 97", Assert.Throws<CondenseException>(() => ClassifierPlanBench.Run(folder, selectionSamples: 97)).Message);
        Assert.False(Directory.Exists(folder)); // refused before anything is trained or written
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
