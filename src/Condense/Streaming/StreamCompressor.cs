using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Condense.Formats;
using Microsoft.Win32.SafeHandles;

namespace Condense.Streaming;

/// <summary>
/// Compresses a safetensors checkpoint bigger than memory, tensor by tensor and chunk by chunk:
/// a reader thread reads chunks (whole rows, a few MB) into pooled buffers and hands them through
/// a bounded channel to worker threads, which encode them with an <see cref="ITensorCompressor"/>;
/// a writer puts the results back in order and streams them into the output shard behind a header
/// laid out in advance. At most <see cref="StreamOptions.ChunksInFlight"/> chunks exist at once,
/// so memory stays at tens of MB whatever the model's size.
/// </summary>
/// <remarks>
/// <para>Output: one compressed shard per input shard, same file names, plus
/// <c>model.safetensors.index.json</c> for a sharded input (written last). Each shard's metadata
/// records the format, method, settings, source shard and its size, and per tensor its encoding
/// and original dtype (<c>condense.tensors</c>); <see cref="CompressedCheckpoint"/> reads it back.</para>
/// <para>Resumable: every shard is written through <see cref="AtomicFile"/>, so it exists only
/// when complete. A run that finds a finished shard made from the same source with the same
/// method and settings keeps it untouched; a killed run leaves only a temporary file, removed on
/// the next run. Since the bytes depend on nothing but the input and the settings (not on workers,
/// chunk size or scheduling), a resumed run's output equals an uninterrupted run's byte for byte.</para>
/// </remarks>
public static class StreamCompressor
{
    /// <summary>The value of <see cref="FormatKey"/> in a streamed checkpoint: a reader knows the layout by it.</summary>
    public const string FormatName = "condense-stream/1";
    /// <summary>Metadata key naming the file's format.</summary>
    public const string FormatKey = "condense.format";
    /// <summary>Metadata key naming the compression method.</summary>
    public const string MethodKey = "condense.method";
    /// <summary>Metadata key holding the method's settings, so a result says how it was made.</summary>
    public const string SettingsKey = "condense.settings";
    /// <summary>Metadata key naming the source checkpoint.</summary>
    public const string SourceKey = "condense.source";
    /// <summary>Metadata key holding the source's size in bytes, for the ratio.</summary>
    public const string SourceBytesKey = "condense.source_bytes";
    /// <summary>Metadata key listing the original tensors in order.</summary>
    public const string TensorsKey = "condense.tensors";

    /// <summary>Compresses the checkpoint at <paramref name="input"/> tensor by tensor into <paramref name="outputFolder"/> with <paramref name="compressor"/>, in bounded memory and resumably (finished shards are kept); <paramref name="progress"/> hears each tensor.</summary>
    public static StreamReport Run(string input, string outputFolder, ITensorCompressor compressor, StreamOptions? options = null,
        IProgress<StreamProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(compressor);
        options ??= new StreamOptions();
        var clock = Stopwatch.StartNew();
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        using var checkpoint = ShardedCheckpoint.Open(input);
        var output = Path.GetFullPath(outputFolder);
        Directory.CreateDirectory(output);
        var jobs = Plan(checkpoint, compressor, output);
        RemoveStaleTemporaries(output, jobs.Select(j => Path.GetFileName(j.OutputPath)).Append(ShardIndex.FileName));

        var todo = jobs.Where(j => !IsFinished(j)).ToList();
        var total = todo.Sum(j => j.Shard.Entries.Sum(e => e.ByteLength));
        long done = 0;
        var pool = ArrayPool<byte>.Create(256 << 20, 4 * options.ChunksInFlight);
        foreach (var job in todo)
        {
            cancellation.ThrowIfCancellationRequested();
            var shardName = Path.GetFileName(job.Shard.Path);
            var tick = new Progress(p => { done += p; progress?.Report(new StreamProgress(done, total, shardName)); });
            AtomicFile.Write(job.OutputPath, stream => CompressShard(job, compressor, options, pool, stream, tick, cancellation));
        }
        if (checkpoint.IsSharded)
            WriteIndex(output, jobs, compressor);
        var outputBytes = jobs.Sum(j => new FileInfo(j.OutputPath).Length) + (checkpoint.IsSharded ? new FileInfo(Path.Combine(output, ShardIndex.FileName)).Length : 0);
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        return new StreamReport(compressor.Method, jobs.Count, jobs.Count - todo.Count,
            jobs.Sum(j => j.Tensors.Count), jobs.Sum(j => j.Tensors.Count(t => t.Compressed)),
            checkpoint.DataBytes, total, outputBytes, clock.Elapsed.TotalSeconds, cpu);
    }

    sealed record TensorJob(SafetensorsEntry Entry, bool Compressed, IReadOnlyList<TensorOutput> Outputs);

    sealed record ShardJob(SafetensorsReader Shard, string OutputPath, IReadOnlyList<TensorJob> Tensors, IReadOnlyDictionary<string, string> Metadata);

    sealed class Progress(Action<long> report)
    {
        public void Add(long bytes) => report(bytes);
    }

    static List<ShardJob> Plan(ShardedCheckpoint checkpoint, ITensorCompressor compressor, string output)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var jobs = new List<ShardJob>();
        foreach (var shard in checkpoint.Shards)
        {
            var fileName = Path.GetFileName(shard.Path);
            var outputPath = Path.Combine(output, fileName);
            if (string.Equals(Path.GetFullPath(shard.Path), outputPath, StringComparison.Ordinal))
                throw new CondenseException($"{shard.Path}: the output folder holds the input; choose another output folder");
            var tensors = new List<TensorJob>();
            foreach (var entry in shard.Entries)
            {
                var compressed = compressor.Accepts(entry);
                IReadOnlyList<TensorOutput> outs = compressed ? compressor.Outputs(entry) : [new TensorOutput(entry.Name, entry.DType, entry.Shape)];
                if (compressed && (outs.Count == 0 || outs[0].DType.SizeOf() != 1 || NamedTensor.ElementCountOf(outs[0].Shape) != entry.ElementCount))
                    throw new InvalidOperationException($"{compressor.Method}: the first output must be one byte per element of '{entry.Name}'");
                foreach (var o in outs)
                    if (!names.TryAdd(o.Name, fileName))
                        throw new InvalidFileException(shard.Path, $"{compressor.Method} output tensor '{o.Name}' would collide with a tensor of the same name (in {names[o.Name]})");
                tensors.Add(new TensorJob(entry, compressed, outs));
            }
            var metadata = new Dictionary<string, string>(shard.Metadata, StringComparer.Ordinal)
            {
                [FormatKey] = FormatName,
                [MethodKey] = compressor.Method,
                [SettingsKey] = compressor.Settings,
                [SourceKey] = fileName,
                [SourceBytesKey] = new FileInfo(shard.Path).Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [TensorsKey] = TensorsJson(tensors, compressor.Method),
            };
            foreach (var (key, value) in compressor.Metadata(tensors.Where(t => t.Compressed).Select(t => t.Entry).ToList()))
                metadata[key] = value;
            jobs.Add(new ShardJob(shard, outputPath, tensors, metadata));
        }
        return jobs;
    }

    static string TensorsJson(List<TensorJob> tensors, string method)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var t in tensors)
            {
                w.WriteStartObject(t.Entry.Name);
                w.WriteString("encoding", t.Compressed ? method : "raw");
                w.WriteString("dtype", t.Entry.DType.ToSafetensorsName());
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A finished shard: a valid safetensors file whose metadata (source, size, method, settings, tensors) is what this run would write.</summary>
    static bool IsFinished(ShardJob job)
    {
        if (!File.Exists(job.OutputPath)) return false;
        try
        {
            using var existing = SafetensorsReader.Open(job.OutputPath);
            return job.Metadata.All(kv => existing.Metadata.TryGetValue(kv.Key, out var v) && v == kv.Value)
                && existing.Metadata.Count == job.Metadata.Count
                && existing.Entries.Select(e => e.Name).SequenceEqual(job.Tensors.SelectMany(t => t.Outputs).Select(o => o.Name), StringComparer.Ordinal);
        }
        catch (InvalidFileException)
        {
            return false;
        }
    }

    /// <summary>Temporary files <see cref="AtomicFile"/> left behind for our outputs when a run was killed.</summary>
    static void RemoveStaleTemporaries(string folder, IEnumerable<string> outputNames)
    {
        foreach (var name in outputNames)
            foreach (var temp in Directory.EnumerateFiles(folder, $".{name}.*.tmp"))
            {
                try { File.Delete(temp); } catch (IOException) { }
            }
    }

    static void WriteIndex(string output, List<ShardJob> jobs, ITensorCompressor compressor)
    {
        var map = new List<KeyValuePair<string, string>>();
        long totalSize = 0;
        foreach (var job in jobs)
            foreach (var t in job.Tensors)
                foreach (var o in t.Outputs)
                {
                    map.Add(new(o.Name, Path.GetFileName(job.OutputPath)));
                    totalSize += NamedTensor.ElementCountOf(o.Shape)!.Value * o.DType.SizeOf();
                }
        var metadata = new Dictionary<string, string>
        {
            ["total_size"] = totalSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [FormatKey] = FormatName,
            [MethodKey] = compressor.Method,
            [SettingsKey] = compressor.Settings,
        };
        AtomicFile.WriteAllBytes(Path.Combine(output, ShardIndex.FileName), new ShardIndex(map, metadata).ToJson());
    }

    sealed class Chunk
    {
        public required long Seq;
        public required TensorJob Tensor;
        public required ITensorEncoder? Encoder;
        public required long First;
        public required int Count;
        public required bool Last;
        public byte[]? Input;
        public int InputBytes;
        public byte[]? Output;
        public int OutputBytes;
    }

    static void CompressShard(ShardJob job, ITensorCompressor compressor, StreamOptions options, ArrayPool<byte> pool,
        Stream stream, Progress progress, CancellationToken cancellation)
    {
        var writer = new SafetensorsStreamWriter(stream, job.Tensors.SelectMany(t => t.Outputs).Select(o => (o.Name, o.DType, o.Shape)), job.Metadata);
        using var file = OpenForReading(job.Shard.Path);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var token = stop.Token;
        Exception? failure = null;
        void Fail(Exception ex)
        {
            if (ex is OperationCanceledException && cancellation.IsCancellationRequested) { stop.Cancel(); return; }
            Interlocked.CompareExchange(ref failure, Unwrap(ex), null);
            stop.Cancel();
        }

        var sources = job.Tensors.Select(t => new TensorSource(job.Shard.Path, file, job.Shard.DataStart, t.Entry, options.ChunkBytes, options.Workers, pool)).ToList();
        long totalChunks = sources.Sum(s => (long)Math.Max(1, s.ChunkCount));
        using var work = new BlockingCollection<Chunk>(options.ChunksInFlight);
        using var done = new BlockingCollection<Chunk>();
        using var slots = new SemaphoreSlim(options.ChunksInFlight);

        var reader = new Thread(() =>
        {
            try
            {
                long seq = 0;
                for (var t = 0; t < job.Tensors.Count; t++)
                {
                    var tensor = job.Tensors[t];
                    var source = sources[t];
                    var encoder = tensor.Compressed ? compressor.Prepare(tensor.Entry, source, token) : null;
                    var chunks = Math.Max(1, source.ChunkCount);
                    for (var i = 0; i < chunks; i++)
                    {
                        var (first, count) = source.ChunkCount == 0 ? (0L, 0) : source.Chunk(i);
                        slots.Wait(token);
                        var bytes = count * tensor.Entry.DType.SizeOf();
                        var buffer = pool.Rent(bytes);
                        var chunk = new Chunk { Seq = seq++, Tensor = tensor, Encoder = encoder, First = first, Count = count, Last = i == chunks - 1, Input = buffer, InputBytes = bytes };
                        source.Read(first, buffer.AsSpan(0, bytes));
                        work.Add(chunk, token);
                    }
                }
                work.CompleteAdding();
            }
            catch (Exception ex) { Fail(ex); }
        }) { IsBackground = true, Name = "condense-stream-reader" };

        var workers = Enumerable.Range(0, options.Workers).Select(w => new Thread(() =>
        {
            try
            {
                foreach (var chunk in work.GetConsumingEnumerable(token))
                {
                    if (chunk.Encoder is null)
                    {
                        chunk.Output = chunk.Input;
                        chunk.OutputBytes = chunk.InputBytes;
                        chunk.Input = null;
                    }
                    else
                    {
                        chunk.Output = pool.Rent(chunk.Count);
                        chunk.OutputBytes = chunk.Count;
                        chunk.Encoder.Encode(chunk.Input.AsSpan(0, chunk.InputBytes), chunk.First, chunk.Output.AsSpan(0, chunk.Count));
                        pool.Return(chunk.Input!);
                        chunk.Input = null;
                    }
                    done.Add(chunk, token);
                }
            }
            catch (Exception ex) { Fail(ex); }
        }) { IsBackground = true, Name = $"condense-stream-worker-{w}" }).ToList();

        reader.Start();
        foreach (var w in workers) w.Start();
        var completed = false;
        try
        {
            var pending = new Dictionary<long, Chunk>();
            for (long next = 0; next < totalChunks;)
            {
                if (!pending.Remove(next, out var chunk))
                {
                    var got = done.Take(token);
                    pending[got.Seq] = got;
                    continue;
                }
                writer.Write(chunk.Output.AsSpan(0, chunk.OutputBytes));
                pool.Return(chunk.Output!);
                slots.Release();
                progress.Add(chunk.Count * (long)chunk.Tensor.Entry.DType.SizeOf());
                if (chunk.Last && chunk.Encoder is not null)
                {
                    var sides = chunk.Encoder.Finish();
                    if (sides.Count != chunk.Tensor.Outputs.Count - 1)
                        throw new InvalidOperationException($"{compressor.Method}: encoder returned {sides.Count} side tensors for '{chunk.Tensor.Entry.Name}'");
                    foreach (var side in sides) writer.Write(side);
                }
                next++;
            }
            writer.Complete();
            completed = true;
        }
        catch (OperationCanceledException) when (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Fail(ex);
            throw;
        }
        finally
        {
            // After a complete write the reader has finished and the workers drain the closed channel.
            if (!completed) stop.Cancel();
            reader.Join();
            foreach (var w in workers) w.Join();
        }
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
    }

    static SafeFileHandle OpenForReading(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidFileException(path, ex.Message);
        }
    }

    static Exception Unwrap(Exception ex)
    {
        while (ex is AggregateException { InnerExceptions.Count: 1 } agg) ex = agg.InnerExceptions[0];
        return ex;
    }
}
