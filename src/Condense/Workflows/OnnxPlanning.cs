using Condense.Graph;
using System.Text.Json;
using Condense.Analysis;
using Condense.Formats;
using Condense.Formats.Onnx;

namespace Condense.Workflows;

/// <summary>
/// The plan use case for any ONNX model: analyse (<see cref="OnnxAnalysis"/>), choose per layer the
/// setting that meets the budget with the least predicted output error (<see cref="LayerBudgetPlanner"/>),
/// build the whole model and re-check it — its real file bytes, its error measured in ONNX Runtime —
/// tightening the target and planning again when the whole model misses what the sum of its layers
/// promised. The model is written only when it meets the budget; a budget no choice can meet is
/// refused before anything is written.
/// </summary>
public static class OnnxPlanning
{
    // Each round shrinks the target by the overshoot; MiniLM with its tables took 7.
    const int MaxRounds = OnnxBudgetPlan.MaxRounds;

    /// <summary>Plans per-layer encodings of an ONNX model to meet the request's budget from measured sensitivities, and reports the plan (and writes the model when asked).</summary>
    public static OnnxPlanReport Run(OnnxPlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.RefuseOverwrites();
        request.Analysis.RequireCalibration();
        var path = request.Analysis.ModelPath;
        {
            // Names are checked before the (long) analysis.
            var model = OnnxReader.Read(path);
            NodeNames.Check(model, path, "--keep", request.Keep ?? []);
            NodeNames.Check(model, path, "--exclude", request.Analysis.Exclude ?? []);
        }
        var (analysis, candidates) = OnnxAnalysis.Analyze(request.Analysis);
        using var _ = candidates;
        var keep = (request.Keep ?? []).ToHashSet(StringComparer.Ordinal);
        int layers = candidates.Layers.Count, settings = candidates.Settings.Count;
        var errors = new double[layers][];
        var allowed = new bool[layers][];
        for (int l = 0; l < layers; l++)
        {
            errors[l] = [0, .. analysis.Layers[l].Settings.Select(s => s.ModelError)];
            var kept = keep.Contains(candidates.Layers[l].Node);
            // A channel setting also changes its consumers: a kept consumer withdraws it too.
            var touchesKept = candidates.Channels?.Touches(candidates.Layers[l].Weight, keep) ?? false;
            allowed[l] = [.. Enumerable.Range(0, settings).Select(s => s == 0 || (!kept && candidates.Encodings[l][s] is not null
                && !(touchesKept && candidates.Settings[s].ChannelPercent > 0)))];
        }
        // Everything but the layers' weights: the same in every choice.
        var fixedBytes = analysis.Uniform[0].Bytes - LayerBudgetPlanner.Bytes(candidates.Bytes, [.. Enumerable.Repeat(1, layers)]);
        var request2 = request.Analysis;
        request2.Progress?.Invoke("planning");

        int[] choice;
        OnnxCompressionResult result;
        (double Error, double Cosine, double? Accuracy) measured = default;
        double? selectionError = null;
        string? instead = null;
        int round = 0;
        string budget;
        var asUniform = request.MaxBytesOfUniform is { } label ? analysis.Uniform.Single(u => u.Name == $"uniform {QuantizationSetting.Parse(label).Label}") : null;
        if ((request.MaxBytes ?? asUniform?.Bytes) is { } maxBytes)
        {
            budget = asUniform is null ? $"≤ {maxBytes:N0} bytes" : $"≤ {maxBytes:N0} bytes ({asUniform.Name})";
            var smallest = fixedBytes + LayerBudgetPlanner.Bytes(candidates.Bytes, Smallest(candidates.Bytes, allowed));
            if (smallest > maxBytes)
                throw new CondenseException($"{path}: --max-bytes {maxBytes:N0} cannot be met: the smallest file these settings make is {smallest:N0} bytes");
            var target = maxBytes - fixedBytes;
            while (true)
            {
                round++;
                choice = LayerBudgetPlanner.WithinBytes(errors, candidates.Bytes, allowed, target)
                    ?? Smallest(candidates.Bytes, allowed);
                result = candidates.Compress(choice);
                var over = result.ModelBytesAfter - maxBytes;
                if (over <= 0) break;
                if (round >= MaxRounds) throw new CondenseException($"{path}: --max-bytes {maxBytes:N0}: the planned file stays {over:N0} bytes over after {round} rounds; nothing written");
                // From what this choice was predicted to take, not only from the last target: a choice well inside the target
                // whose file is over (a shared decoding table its layers' bytes do not count, 8 KB for the bit table) would
                // otherwise stay chosen round after round.
                target = Math.Min(target, LayerBudgetPlanner.Bytes(candidates.Bytes, choice)) - over - 64;
            }
            (choice, result, var filled) = ByteBudgetFill.Spend(errors, candidates.Bytes, allowed, choice, result, maxBytes, candidates.Compress);
            round += filled;
            // The choice whole on the selection samples, beside every uniform setting that fits: the lowest kept.
            (choice, result, var onSelection, instead) = SelectionCheck.BestOnSelection(candidates, allowed, choice, result, maxBytes);
            selectionError = onSelection;
        }
        else if (request.MaxLatencyMs is { } maxMs)
        {
            var timed = OnnxLatencyPlan.Plan(candidates, errors, allowed, maxMs, request.LatencyRuns, request2.Progress);
            (choice, result, round) = (timed.Choice, timed.Compressed, timed.Rounds);
            budget = $"≤ {maxMs:0.###} ms (measured {timed.Milliseconds:0.###} ms, original {timed.OriginalMilliseconds:0.###} ms; ONNX Runtime, one thread, median of {timed.Runs} runs)";
        }
        else
        {
            var maxError = request.MaxError!.Value;
            budget = $"relative output error ≤ {maxError:G3}";
            var target = maxError;
            while (true)
            {
                round++;
                choice = LayerBudgetPlanner.WithinError(errors, candidates.Bytes, allowed, target);
                // Re-checked on the selection samples (choosing); the file is verified on the held-out ones below.
                measured = candidates.Measure(choice);
                if (measured.Error <= maxError) break;
                if (round >= MaxRounds)
                {
                    // Float32 everywhere meets any error budget; say so rather than loop.
                    choice = new int[layers];
                    measured = candidates.Measure(choice);
                    break;
                }
                target *= Math.Min(0.9, maxError / measured.Error);
            }
            result = candidates.Compress(choice);
            selectionError = measured.Error;
        }

        // The file itself, in ONNX Runtime on the held-out samples (none of which the choice saw), before it is written.
        var file = candidates.MeasureFile(result.Model, request.OutputPath, request.Analysis.Threads);
        if (request.MaxError is { } e && file.Error > e * 1.0001 + 1e-6)
            throw new CondenseException($"{request.OutputPath}: the planned model's held-out error {file.Error:G4} exceeds --max-error {e:G4} (its error on the {candidates.SelectionSamples} selection samples it was chosen on was {measured.Error:G4}); nothing written");
        OnnxWriter.Write(request.OutputPath, result.Model);
        var written = new FileInfo(request.OutputPath).Length;
        if ((request.MaxBytes ?? asUniform?.Bytes) is { } limit && written > limit)
        {
            File.Delete(request.OutputPath);
            throw new CondenseException($"{request.OutputPath}: {written:N0} bytes written exceed --max-bytes {limit:N0}; removed");
        }
        var planned = Enumerable.Range(0, layers).Select(l => new PlannedLayer(candidates.Layers[l].Node, candidates.Layers[l].Weight,
            candidates.Settings[choice[l]].Label, candidates.Bytes[l][choice[l]], errors[l][choice[l]], keep.Contains(candidates.Layers[l].Node))).ToList();
        var report = new OnnxPlanReport(analysis, request.OutputPath, budget, planned,
            new ModelMeasure("plan", written, file.Error, file.Cosine, file.Accuracy), LayerBudgetPlanner.Predicted(errors, choice), round)
        {
            ChannelGroups = candidates.Channels?.WithKeep(keep),
            SelectionError = selectionError,
            UniformOnSelection = instead,
        };
        if (request.PlanJsonPath is not null) AtomicFile.WriteAllText(request.PlanJsonPath, Json(report));
        return report;
    }

    static int[] Smallest(long[][] bytes, bool[][] allowed) =>
        [.. bytes.Select((b, l) => Enumerable.Range(0, b.Length).Where(s => allowed[l][s]).MinBy(s => b[s]))];

    static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>The plan as JSON: model, budget, data, per layer the setting, and the measured result.</summary>
    public static string Json(OnnxPlanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(new
        {
            report.Analysis.Model, report.Output, report.Budget, report.Analysis.Data, RandomInputs = report.Analysis.IsRandomData,
            SelectionSamples = report.Analysis.SensitivitySamples, HeldOutSamples = report.Analysis.HeldOutOutputSamples, report.Analysis.SampleUse, report.Plan, report.PredictedError, report.SelectionError, report.UniformOnSelection, report.Rounds, report.Layers, report.ChannelGroups,
        }, JsonOptions);
    }
}
