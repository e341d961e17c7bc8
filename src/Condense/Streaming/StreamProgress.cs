namespace Condense.Streaming;

/// <summary>A progress tick of <see cref="StreamCompressor"/>: input bytes encoded so far of those this run has to encode.</summary>
public readonly record struct StreamProgress(long DoneBytes, long TotalBytes, string Shard);
