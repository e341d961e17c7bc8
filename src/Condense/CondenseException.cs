namespace Condense;

/// <summary>
/// The one exception type Condense raises for problems a caller can act on: a bad setting,
/// a file that is not what it claims to be, a budget that cannot be met. Anything else that
/// escapes the library is a bug. The CLI prints <see cref="Exception.Message"/> as one line
/// and exits non-zero, so messages name the file (when there is one) and the problem.
/// </summary>
public class CondenseException : Exception
{
    public CondenseException(string message) : base(message) { }
    public CondenseException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A file (or stream standing in for one) whose bytes break its format's rules. Readers throw
/// this and nothing else for hostile input, so fuzzers and callers have one thing to catch.
/// </summary>
public sealed class InvalidFileException : CondenseException
{
    public InvalidFileException(string source, string problem)
        : base($"{source}: {problem}") { Source = source; Problem = problem; }

    /// <summary>The file's path or a name for the stream.</summary>
    public new string Source { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
