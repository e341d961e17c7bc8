namespace Condense.Formats.Images;

/// <summary>
/// The photos of a data folder, listed but not decoded (a few hundred photos decoded at once
/// would not fit a memory budget): each file's path and, when the folder has one sub-folder per
/// class, the index of its class in <see cref="ClassNames"/>.
/// </summary>
public sealed record ImageFolder(string Path, IReadOnlyList<ImageFolderEntry> Files, IReadOnlyList<string> ClassNames);

/// <summary>One photo of an <see cref="ImageFolder"/>; <see cref="Label"/> is null without class folders.</summary>
public sealed record ImageFolderEntry(string Path, int? Label);
