namespace Switchyard.Core.Routing.Preference;

/// <summary>The prompt/answer contract spoken with the router model; it must match what the model was trained on.</summary>
public enum RouterPromptFormat
{
    /// <summary>Plano-Orchestrator (the default): routes one JSON object per line, answer <c>{"route": ["name", ...]}</c>.</summary>
    PlanoOrchestrator,

    /// <summary>Arch-Router: routes as one JSON array, answer <c>{"route": "name"}</c> with <c>"other"</c> meaning none.</summary>
    ArchRouter,
}
