using System.Text;
using Switchyard.Core.Routing.Preference;

namespace Switchyard.Core.Tests.Routing.Preference;

/// <summary>
/// The router request bodies, byte for byte. These strings are the contract with the router model: a change here
/// changes what the model sees, so it must be deliberate.
/// </summary>
public class RouterRequestGoldenTests
{
    private const string PlanoBody =
        """{"model":"router-1","messages":[{"role":"user","content":""" + "\""
        + """You pick the routes that can best serve the user's latest request.\n"""
        + """The available routes are listed inside <routes></routes>, one JSON object per line:\n<routes>\n"""
        + """{\"name\": \"code\", \"description\": \"writing, reviewing or debugging code\", \"parameters\": {\"type\": \"object\", \"properties\": {}}}\n"""
        + """{\"name\": \"math\", \"description\": \"solving equations and proofs\", \"parameters\": {\"type\": \"object\", \"properties\": {}}}\n"""
        + """{\"name\": \"chat\", \"description\": \"general conversation and small talk\", \"parameters\": {\"type\": \"object\", \"properties\": {}}}\n"""
        + """</routes>\n\nThe conversation so far is inside <conversation></conversation>, oldest turn first:\n<conversation>\n"""
        + """[\n    {\n        \"role\": \"user\",\n        \"content\": \"hi, café\"\n    },\n"""
        + """    {\n        \"role\": \"assistant\",\n        \"content\": \"Hello! How can I help?\"\n    },\n"""
        + """    {\n        \"role\": \"user\",\n        \"content\": \"fix my \\\"Python\\\" loop\"\n    }\n]\n"""
        + """</conversation>\n\n## Instructions\n"""
        + """1. Work out what the user wants in their latest message, using earlier turns only as context.\n"""
        + """2. Pick the routes whose descriptions fit that request, best fit first.\n"""
        + """3. Use route names exactly as they appear in <routes>.\n"""
        + """4. If no route fits, or the request has already been answered, pick none.\n\n"""
        + """## Answer format\nAnswer with JSON only, in this form:\n"""
        + """{\"route\": [\"route_name_1\", \"route_name_2\"]}\n"""
        + """Use an empty list when no route fits: {\"route\": []}\n"}],"temperature":0.01,"max_tokens":64,"stream":false}""";

    private const string ArchBody =
        """{"model":"router-1","messages":[{"role":"user","content":""" + "\""
        + """You choose the single route that best fits the user's latest intent.\n"""
        + """The routes are described inside <routes></routes>:\n<routes>\n"""
        + """[{\"name\":\"code\",\"description\":\"writing, reviewing or debugging code\"},"""
        + """{\"name\":\"math\",\"description\":\"solving equations and proofs\"},"""
        + """{\"name\":\"chat\",\"description\":\"general conversation and small talk\"}]\n"""
        + """</routes>\n\n<conversation>\n"""
        + """[{\"role\":\"user\",\"content\":\"hi, café\"},{\"role\":\"assistant\",\"content\":\"Hello! How can I help?\"},"""
        + """{\"role\":\"user\",\"content\":\"fix my \\\"Python\\\" loop\"}]\n"""
        + """</conversation>\n\n"""
        + """Decide which route best matches the user's latest intent in the conversation inside <conversation></conversation>. Rules:\n"""
        + """1. If the latest request fits no route, or has already been fulfilled, answer {\"route\": \"other\"}.\n"""
        + """2. Compare the request with each route description and pick the closest match.\n"""
        + """3. Answer with one route name, spelled exactly as in <routes></routes>.\n\n"""
        + """Answer in this JSON form:\n{\"route\": \"route_name\"}\n"}],"temperature":0.01,"max_tokens":64,"stream":false}""";

    private static string Body(RouterPromptFormat format) => Encoding.UTF8.GetString(RouterRequestBuilder.Build(
        "router-1", RouterPrompts.For(format), RouterFixtures.Routes, RouterConversation.Build(RouterFixtures.Conversation())));

    [Fact]
    public void Build_PlanoOrchestrator_ExactBody() => Assert.Equal(PlanoBody, Body(RouterPromptFormat.PlanoOrchestrator));

    [Fact]
    public void Build_ArchRouter_ExactBody() => Assert.Equal(ArchBody, Body(RouterPromptFormat.ArchRouter));

    [Fact]
    public void BuildFromMessages_RoomyContext_SameBytesAsTheStepByStepBuild()
    {
        foreach (var format in new[] { RouterPromptFormat.PlanoOrchestrator, RouterPromptFormat.ArchRouter })
        {
            var body = RouterRequestBuilder.BuildFromMessages("router-1", format, RouterFixtures.Routes, RouterFixtures.Conversation());
            Assert.Equal(Body(format), Encoding.UTF8.GetString(body));
        }
    }

    [Theory]
    [InlineData(RouterPromptFormat.PlanoOrchestrator)]
    [InlineData(RouterPromptFormat.ArchRouter)]
    public void Build_SameInputsTwice_SameBytes(RouterPromptFormat format) => Assert.Equal(Body(format), Body(format));

    [Theory]
    [InlineData(RouterPromptFormat.PlanoOrchestrator)]
    [InlineData(RouterPromptFormat.ArchRouter)]
    public void BuildMessages_RoutesInConfigOrder_PromptFollowsThatOrder(RouterPromptFormat format)
    {
        var prompt = RouterPrompts.For(format);
        var turns = RouterConversation.Build(RouterFixtures.Conversation());
        var forward = prompt.BuildMessages(RouterFixtures.Routes, turns).Single().Content;
        var reversed = prompt.BuildMessages(RouterFixtures.Routes.Reverse().ToList(), turns).Single().Content;

        static int At(string text, string name) => text.IndexOf($"\"name\": \"{name}\"", StringComparison.Ordinal) is var i and >= 0
            ? i : text.IndexOf($"\"name\":\"{name}\"", StringComparison.Ordinal);
        Assert.True(At(forward, "code") < At(forward, "math") && At(forward, "math") < At(forward, "chat"));
        Assert.True(At(reversed, "chat") < At(reversed, "math") && At(reversed, "math") < At(reversed, "code"));
    }

    [Fact]
    public void Build_CustomMaxTokensAndModel_WrittenEscaped()
    {
        var body = Encoding.UTF8.GetString(RouterRequestBuilder.Build(
            "arch\"router", RouterPrompts.ArchRouter, RouterFixtures.Routes, [], maxTokens: 16));
        Assert.StartsWith("""{"model":"arch\"router","messages":[{"role":"user","content":"You choose""", body, StringComparison.Ordinal);
        Assert.EndsWith("""\n"}],"temperature":0.01,"max_tokens":16,"stream":false}""", body, StringComparison.Ordinal);
        Assert.Contains("""<conversation>\n[]\n</conversation>""", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RouterPromptFormat.PlanoOrchestrator)]
    [InlineData(RouterPromptFormat.ArchRouter)]
    public void BuildFromMessages_SmallContext_WholePromptFitsAndNewestIntentSurvives(RouterPromptFormat format)
    {
        const int contextLength = 600;
        var huge = "Please classify this. " + new string('x', 20_000) + " Which route fits?";
        var messages = RouterFixtures.Conversation().Append(RouterFixtures.User(huge)).ToList();

        var body = RouterRequestBuilder.BuildFromMessages("router-1", format, RouterFixtures.Routes, messages, contextLength, maxTokens: 64);

        var prompt = RouterPrompts.For(format);
        var budget = RouterRequestBuilder.ConversationBudget(prompt, RouterFixtures.Routes, contextLength, 64);
        var turns = RouterConversation.Build(messages, budget);
        var content = prompt.BuildMessages(RouterFixtures.Routes, turns).Single().Content;
        Assert.Equal(RouterRequestBuilder.Build("router-1", prompt, RouterFixtures.Routes, turns), body);
        Assert.Single(turns);
        Assert.StartsWith("Please classify this. ", turns[0].Text, StringComparison.Ordinal);
        Assert.EndsWith(" Which route fits?", turns[0].Text, StringComparison.Ordinal);
        // The JSON wrapping of the one turn costs a few tokens more than its text; the estimate stays near the limit.
        Assert.InRange(RouterConversation.EstimateTokens(content), contextLength - 64 - 20, contextLength - 64 + 20);
    }

    [Fact]
    public void ConversationBudget_RoutesLongerThanContext_AtLeastOneToken()
    {
        var routes = new[] { new RoutePreference("long", new string('d', 10_000)) };
        Assert.Equal(1, RouterRequestBuilder.ConversationBudget(RouterPrompts.PlanoOrchestrator, routes, 100, 64));
    }
}
