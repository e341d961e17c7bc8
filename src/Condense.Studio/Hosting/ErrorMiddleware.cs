using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Condense.Studio.Hosting;

/// <summary>
/// Turns every failure into a JSON answer <c>{"error": "…"}</c> so the page can show it and the
/// server keeps serving: the caller's mistakes (<see cref="CondenseException"/>, malformed
/// files) are 400, an oversize body is 413, anything else is a logged 500.
/// </summary>
internal sealed class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex)
        {
            await WriteAsync(context, ex.StatusCode, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "the upload is larger than the Studio accepts"
                : ex.Message);
        }
        catch (CondenseException ex)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, ex.Message.ReplaceLineEndings(" "));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The browser moved on (a newer slider value); nothing to answer.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "studio: {Path} failed", context.Request.Path.Value);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, "internal error: " + ex.GetType().Name);
        }
    }

    internal static async Task WriteAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted) return;
        context.Response.Clear();
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new ErrorBody(message));
    }

    internal sealed record ErrorBody(string Error);
}
