using Condense.Distillation;
using Condense.Models;

namespace Condense.Workflows.Distill;

/// <summary>What <c>condense distill --data-free</c> runs (<see cref="DataFreeDistillation"/>).</summary>
/// <param name="TeacherPath">The teacher's model file (an MLP); null trains the default classifier here (<see cref="DistillationTeacher"/>).</param>
/// <param name="Student">The student's spec, as <see cref="StudentSpec.Parse"/> reads it (784-100-10, …).</param>
/// <param name="Data">The data set; null: the teacher's, else MNIST-10k.</param>
/// <param name="Recipe">adversarial (Micaelli &amp; Storkey, Fang et al.) or dafl (Chen et al.).</param>
/// <param name="Steps">Generator steps.</param>
/// <param name="Distillation">Temperature and α of the with-data comparison.</param>
/// <param name="Training">Epochs, schedule, shift and seed of the with-data and alone students; its seed seeds the generator too.</param>
/// <param name="OutputPath">Where the data-free student is written (.safetensors); null writes none.</param>
public sealed record DataFreeDistillationRequest(string? TeacherPath, string Student, string? Data, string Recipe, int Steps,
    DistillationOptions Distillation, TrainingOptions Training, string? OutputPath);
