using Condense.Analysis;
using Condense.Studio.Hosting;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 7's analysis and planner for an uploaded ONNX model: optional data (streamed to the
/// upload's folder, recognised by content, <see cref="UploadedData"/>), the analysis as a
/// background job the page polls (<see cref="ModelAnalysisJob"/>), a plan per budget, and the
/// planned file with its measured held-out error (or the random-input note) beside it.
/// </summary>
internal static class ModelPlanPage
{
    public sealed record Status(string State, double Seconds, IReadOnlyList<string> Lines, string? Error, OnnxAnalysisReport? Report,
        long? Smallest, long? Original, IReadOnlyList<string> QuickSettings);

    public sealed record Plan(long MaxBytes, long Bytes, IReadOnlyList<PlannedLayer> Layers, ModelDownloads.Figure Measured, double PredictedError, int Rounds);

    public static void Map(WebApplication app)
    {
        app.MapPost("/api/model/{id}/data", async (HttpContext context, string id, string? name, UploadStore store, StudioOptions options) =>
        {
            var upload = Onnx(store, id);
            var dataName = ModelPage.SafeName(name ?? "data");
            lock (upload)
            {
                upload.Analysis?.Dispose();
                upload.Analysis = null;
                (upload.Data, upload.DataName) = (null, null);
                upload.DataVersion++;
                File.Delete(Path.Combine(upload.Folder, ModelUpload.DataFile));
                UploadFolders.Remove(Path.Combine(upload.Folder, ModelUpload.DataFolder));
            }
            var file = Path.Combine(upload.Folder, ModelUpload.DataFile);
            await RequestBody.SaveAsync(context, options.MaxUploadBytes, file);
            UploadedData.Resolved data;
            try
            {
                data = UploadedData.Resolve(file, dataName, upload.Folder);
            }
            catch (CondenseException ex)
            {
                File.Delete(file);
                throw new CondenseException(ex.Message.Replace(file, dataName, StringComparison.Ordinal));
            }
            lock (upload)
            {
                (upload.Data, upload.DataName) = (data, dataName);
                upload.DataVersion++;
            }
            return new { name = dataName, kind = data.Kind };
        });
        app.MapPost("/api/model/{id}/analyse", (string id, string? quality, string? preprocess, string? shape, UploadStore store, StudioOptions options) =>
        {
            var upload = Onnx(store, id);
            if (quality is not (null or "quick" or "full")) throw new CondenseException($"quality must be quick or full, not '{quality}'");
            if (preprocess is not (null or "plain" or "imagenet")) throw new CondenseException($"preprocess must be plain or imagenet, not '{preprocess}'");
            ModelAnalysisJob.Shapes(upload.Onnx!, shape); // a bad shape is refused now, not in the job
            var job = new ModelAnalysisJob(quality ?? "quick", preprocess ?? "plain", shape);
            lock (upload)
            {
                upload.Analysis?.Dispose();
                upload.Analysis = job;
            }
            _ = Task.Run(() => job.Run(upload, options.Seed));
            return Describe(job);
        });
        app.MapGet("/api/model/{id}/analysis", (string id, UploadStore store) =>
            Describe(Onnx(store, id).Analysis ?? throw new CondenseException("no analysis started for this model")));
        app.MapGet("/api/model/{id}/plan", async (string id, long maxBytes, UploadStore store, CancellationToken token) =>
        {
            var upload = Onnx(store, id);
            var plan = await Job(upload).PlanAsync(maxBytes, token);
            var figure = ModelDownloads.Of(plan.Measured);
            return new Plan(maxBytes, plan.Bytes, plan.Layers, figure with { Note = ModelAnalysisJob.Rename(figure.Note, upload) }, plan.PredictedError, plan.Rounds);
        });
        app.MapGet("/api/model/{id}/planned", async (string id, long maxBytes, UploadStore store, CancellationToken token) =>
        {
            var upload = Onnx(store, id);
            var plan = await Job(upload).PlanAsync(maxBytes, token);
            return Results.File(plan.Model.ToByteArray(), "application/octet-stream", $"{Path.GetFileNameWithoutExtension(upload.Name)}.plan-{plan.Bytes}.onnx");
        });
    }

    static ModelUpload Onnx(UploadStore store, string id)
    {
        var upload = ModelPage.Get(store, id);
        return upload.Onnx is null ? throw new CondenseException($"{upload.Name}: analysis and planning take an ONNX model; export this one to ONNX first") : upload;
    }

    static ModelAnalysisJob Job(ModelUpload upload) =>
        upload.Analysis ?? throw new CondenseException("no analysis started for this model");

    static Status Describe(ModelAnalysisJob job) =>
        new(job.State, job.Seconds, job.Lines, job.Error, job.Report, job.Report is null ? null : job.Range.Smallest,
            job.Report is null ? null : job.Range.Original, ModelAnalysisJob.QuickSettings);
}
