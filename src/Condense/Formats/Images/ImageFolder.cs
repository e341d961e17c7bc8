namespace Condense.Formats.Images;

/// <summary>
/// The photos of a data folder, listed but not decoded (a few hundred photos decoded at once
/// would not fit a memory budget): each file's path and, when the folder has one sub-folder per
/// class, the index of its class in <see cref="ClassNames"/>. <see cref="SkippedText"/> lists text
/// files (a README, a licence) that were left out rather than refused.
/// </summary>
public sealed record ImageFolder(string Path, IReadOnlyList<ImageFolderEntry> Files, IReadOnlyList<string> ClassNames)
{
    /// <summary>Text files found among the photos and skipped.</summary>
    public IReadOnlyList<string> SkippedText { get; init; } = [];
}

/// <summary>One photo of an <see cref="ImageFolder"/>; <see cref="Label"/> is null without class folders.</summary>
public sealed record ImageFolderEntry(string Path, int? Label);
