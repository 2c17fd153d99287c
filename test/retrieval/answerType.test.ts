import { describe, expect, it } from "vitest";
import { askedAttribute, expectedAnswerType, factStems, markedTerms, suppliesAnswerTo } from "../../src/retrieval/answerType.js";
import { casedWords } from "../../src/retrieval/terms.js";

describe("expectedAnswerType", () => {
  it.each([
    ["How much aid has Japan given?", "quantity"],
    ["When did Japan freeze the assets?", "date"],
    ["Which two countries declined the plan?", "name"],
    ["Who is the finance minister?", "name"],
    ["What did the US ambassador say about the islands?", "statement"],
    ["What principles did Kishida set out at the conference?", "statement"],
    ["Why did Japan keep its stake in Sakhalin-2?", null],
  ])("%s → %s", (question, type) => {
    expect(expectedAnswerType(question)).toBe(type);
  });

  // Read from grammar, whatever the domain: "which/what <noun>" asks for a name unless the noun asks for a description.
  it.each([
    ["Which section of the Act governs termination?", "name"],
    ["Under which article may a member state derogate?", "name"],
    ["Who may terminate the tenancy?", "name"],
    ["Where must the notice be served?", "name"],
    ["Which court hears appeals from the tribunal?", "name"],
    ["What body did the regulator set up in 2019?", "name"],
    ["Which function returns the root logger?", "name"],
    ["What exception does the parser raise on bad input?", "name"],
    ["Which module should be imported first?", "name"],
    ["What is the default timeout?", null],
    ["What is the default number of retries?", "quantity"],
    ["What is the maximum penalty for a breach?", null],
    ["What kinds of remedies are available to the buyer?", null],
    ["What reason did the court give for refusing costs?", null],
    ["In what way does the new rule differ?", null],
    ["What happens if the tenant does not pay the rent?", null],
    ["What does the handler do with the record?", null],
    ["How many days' notice must the landlord give?", "quantity"],
    ["By when must the return be filed?", "date"],
    ["In which year did the Act come into force?", "date"],
    ["What did the judge say about the costs order?", "statement"],
    ["What has the committee recommended?", "statement"],
    ["What did the court hold?", null],
    ["What did the parties agree to exchange?", null],
    ["What stakes does the fund hold?", "name"],
  ])("%s → %s", (question, type) => {
    expect(expectedAnswerType(question)).toBe(type);
  });

  it("goes by the interrogative that opens the question, not a clause after it", () => {
    expect(expectedAnswerType("Which diplomat did the minister summon when the war began?")).toBe("name");
    expect(expectedAnswerType("After the vote, how much did the fund pay out?")).toBe("quantity");
    expect(expectedAnswerType("Under the contract, when does the warranty expire?")).toBe("date");
  });

  it("skips an opening clause whose 'when', 'where' or 'if' sets the scene for the question proper", () => {
    expect(expectedAnswerType("When the exact filename is not found, which extension does the loader try last?")).toBe("name");
    expect(expectedAnswerType("When [a-z] is used with IGNORECASE, how many non-ASCII letters can it match?")).toBe("quantity");
    expect(expectedAnswerType("If the tenant leaves early, how much notice must he give?")).toBe("quantity");
    expect(expectedAnswerType("Where a lease is silent, which court hears the dispute?")).toBe("name");
    expect(expectedAnswerType("When did the tenant leave, and why?")).toBe("date");
    expect(expectedAnswerType("When the tenant left, the landlord sued.")).toBe("date");
  });

  it("reads the sentence that asks, after sentences that set the scene", () => {
    expect(
      expectedAnswerType("I'm writing a library and don't want its events printed when the application has no handlers. Which handler should I attach?"),
    ).toBe("name");
    expect(expectedAnswerType("The lease ended in May. When was the deposit returned?")).toBe("date");
  });

  it("asks for a date only when the date word heads the phrase: not 'what date format'", () => {
    expect(expectedAnswerType("What date format does a Formatter use when given none?")).toBe("name");
    expect(expectedAnswerType("What date was the treaty signed?")).toBe("date");
    expect(expectedAnswerType("Which day of the week is the market closed?")).toBe("date");
    expect(expectedAnswerType("What year did the Act come into force?")).toBe("date");
  });

  it("does not ask for reported speech when a text is what speaks: the Act, the HOWTO, Article 5", () => {
    expect(expectedAnswerType("What does the Act say about subletting?")).toBe(null);
    expect(expectedAnswerType("What does Article 5 state about consent?")).toBe(null);
    expect(expectedAnswerType("What does the socket HOWTO suggest looking at instead of sockets?")).toBe(null);
    expect(expectedAnswerType("What did the court's judgment say about costs?")).toBe(null);
    expect(expectedAnswerType("What did the judge say about the costs order?")).toBe("statement");
  });
});

describe("askedAttribute", () => {
  it("wants a version stated for a question asking which version or release", () => {
    const states = askedAttribute("Which version of the Unicode Standard does the module implement?")!;
    expect(states("The module uses the Unicode Standard for all characters.")).toBe(false);
    expect(states("The module implements Unicode 15.0.")).toBe(true);
    expect(states("It follows the latest version of the standard.")).toBe(true);
    expect(askedAttribute("Which Python release switched to UTF-8 on Windows?")!("Python 3.6 switched to UTF-8.")).toBe(true);
  });

  it("wants a default stated for a question about a default", () => {
    const states = askedAttribute("What is the default value of NODE_PATH?")!;
    expect(states("NODE_PATH is a colon-delimited list of paths.")).toBe(false);
    expect(states("The default value of 0 means all occurrences.")).toBe(true);
    expect(states("If no format is given, ISO 8601 is used.")).toBe(true);
  });

  it("wants a percentage for a share, a sum of money for a cost, a rate per something", () => {
    const share = askedAttribute("What share of its energy imports came from Russia?")!;
    expect(share("Japan imported $9 billion of energy.")).toBe(false);
    expect(share("Russia supplied 9% of the imports.")).toBe(true);
    expect(share("About a third came from Russia.")).toBe(true);
    const cost = askedAttribute("How much did the new bridge cost?")!;
    expect(cost("The bridge took 4,000 workers three years.")).toBe(false);
    expect(cost("It cost €2.1 billion.")).toBe(true);
    const rate = askedAttribute("What interest rate does the loan carry?")!;
    expect(rate("The loan of $3 billion was disbursed in June.")).toBe(false);
    expect(rate("It carries 1.5% a year.")).toBe(true);
  });

  it("wants a count that is no sum of money, year or day of the month for 'how many'", () => {
    const count = askedAttribute("How many drones did the ministry send?")!;
    expect(count("It allocated $37 million to a trust fund in 2023.")).toBe(false);
    expect(count("On 13 June the ministry signed an accord.")).toBe(false);
    expect(count("It sent 30 drones.")).toBe(true);
    expect(count("It sent three more.")).toBe(true);
    expect(askedAttribute("How many dollars did it cost?")).toBeNull();
  });

  it("wants the unit counted named when the question names one", () => {
    const tonnes = askedAttribute("How many tonnes of LNG did Japan redirect?")!;
    expect(tonnes("Japan redirected 12 cargoes of LNG.")).toBe(false);
    expect(tonnes("Japan redirected 400,000 tonnes.")).toBe(true);
  });

  it("wants a year for 'what year', and a word that gives a reason for 'why'", () => {
    expect(askedAttribute("Since what year has Japan supported the broadcaster?")!("In February, Japan provided equipment.")).toBe(false);
    expect(askedAttribute("Since what year has Japan supported the broadcaster?")!("Japan has supported it since 2017.")).toBe(true);
    const why = askedAttribute("Why was the programme suspended?")!;
    expect(why("In the context of the suspension of the programme, Japan may expand its role.")).toBe(false);
    expect(why("The programme was suspended because funding ended.")).toBe(true);
  });

  it("wants nothing when the question asks for no such attribute, or uses the word otherwise", () => {
    expect(askedAttribute("Which court hears appeals?")).toBeNull();
    expect(askedAttribute("What did the release say?")).toBeNull();
    expect(askedAttribute("When was the release of the film?")).toBeNull();
  });
});

describe("factStems of quantities", () => {
  it("counts figures, not names with digits, days of the month or 'one of'", () => {
    const words = (text: string) => text.split(" ");
    expect(factStems("quantity", words("the G7 and Sakhalin-2 partners met at Meeting3"))).toEqual([]);
    expect(factStems("quantity", words("on 13 June and May 4"))).toEqual([]);
    expect(factStems("quantity", words("one of the partners"))).toEqual([]);
    expect(factStems("quantity", words("$37 million for 300 generators and one truck"))).toEqual(["$37", "million", "300", "one"]);
  });
});

describe("suppliesAnswerTo", () => {
  it("wants a figure the question does not already give", () => {
    const supplies = suppliesAnswerTo("How much did Japan lend in 2025?");
    expect(supplies("Japan lent $3 billion.")).toBe(true);
    expect(supplies("Japan lent money in 2025.")).toBe(false);
  });

  it("wants reported speech for what someone said, and is not fooled by 'United States'", () => {
    const supplies = suppliesAnswerTo("What did the ambassador say about the islands?");
    expect(supplies("“The islands are Japanese,” said the ambassador.")).toBe(true);
    expect(supplies("He stated that recovery must be Ukrainian-owned.")).toBe(true);
    expect(supplies("The United States supports Japan on the dispute.")).toBe(false);
  });

  it("takes verbs with other senses, and third-person forms, as reported speech only before a clause or a quotation", () => {
    const supplies = suppliesAnswerTo("What did the judge say about the clause?");
    expect(supplies("The court held that the clause was void.")).toBe(true);
    expect(supplies("The Act states: no person may sell the land.")).toBe(true);
    expect(supplies("The judge ruled in favour of the tenant.")).toBe(true);
    expect(supplies("The hearing was held in London.")).toBe(false);
    expect(supplies("Member states agreed on the text.")).toBe(false);
    expect(supplies("The lease requires written consent.")).toBe(false);
    expect(supplies("He declares his support in a video.")).toBe(false);
    expect(supplies("The delegation set out for Kyiv.")).toBe(false);
    expect(supplies("The report set out that reform must come first.")).toBe(true);
  });

  it("counts section numbers and code identifiers as names, years not", () => {
    expect(suppliesAnswerTo("Which section sets the notice period?")("Notice is governed by section 21.")).toBe(true);
    expect(suppliesAnswerTo("Which section sets the notice period?")("Notice has been governed by statute since 1988.")).toBe(false);
    const supplies = suppliesAnswerTo("Which function creates a logger?");
    expect(supplies("Loggers are created with getLogger and never directly.")).toBe(true);
    expect(supplies("Loggers are never created directly.")).toBe(false);
  });
});

describe("markedTerms", () => {
  it("finds code spans, short quoted or emphasised terms and code identifiers", () => {
    expect(markedTerms("Node.js then tries `.js`, `.json`, and finally `.node`.")).toEqual([".js", ".json", ".node"]);
    expect(markedTerms("The letter 'ß' becomes the pair of letters 'ss'.")).toEqual(["ß", "ss"]);
    expect(markedTerms("A set of graphical elements is called a **glyph**.")).toEqual(["glyph"]);
    expect(markedTerms("The term “personal data” means any information.")).toEqual(["personal data"]);
    expect(markedTerms("The client then does a shutdown(1) and calls sock.setblocking(False).")).toEqual(["shutdown(1)", "sock.setblocking(False)"]);
    expect(markedTerms("Set NODE_PATH or pass --verbose, default=0 and max_count.").sort()).toEqual(["--verbose", "NODE_PATH", "default=0", "max_count"]);
  });

  it("leaves out quotations of more than a few words, contractions and abbreviations", () => {
    expect(markedTerms("He said “the islands are Japanese and always will be”.")).toEqual([]);
    expect(markedTerms("Don't pass files, e.g. on Windows, i.e. anywhere in the U.S.")).toEqual([]);
  });
});

describe("suppliesAnswerTo a question for a name", () => {
  it("counts a marked term the question does not contain, in prose only", () => {
    const supplies = suppliesAnswerTo("Which extension does the loader try last?");
    expect(supplies("The loader tries `.js` and finally `.node`.")).toBe(true);
    expect(supplies("The loader tries other extensions last.")).toBe(false);
    // A line of code is all identifiers: it says nothing of which one answers.
    expect(supplies("require.extensions['.sjs'] = require.extensions['.js']")).toBe(false);
  });

  it("does not count a marked term the question already names", () => {
    expect(suppliesAnswerTo("What does the `--verbose` flag do?")("The `--verbose` flag prints more.")).toBe(false);
  });
});

describe("factStems", () => {
  const words = casedWords("In March 2022 Japan froze $3 billion of assets held by three Russian banks in the 2010s.");

  it("finds figures (a decade too) but not years, and number words, as stems", () => {
    expect(factStems("quantity", words)).toEqual(["$3", "billion", "thre", "2010s"]);
  });

  it("finds months, years and decades", () => {
    expect(factStems("date", words)).toEqual(["march", "2022", "2010s"]);
  });

  it("finds capitalised words after the first, as stems", () => {
    expect(factStems("name", words)).toEqual(["march", "japan", "russian"]);
  });

  it("does not take a number after a label for a quantity: Article 17, Version 2.0, section 3", () => {
    expect(factStems("quantity", casedWords("Under Article 17 and Version 2.0, section 3 applies."))).toEqual([]);
    expect(factStems("quantity", casedWords("Article 17 allows 30 days."))).toEqual(["30"]);
  });

  it("gives one shared empty list when a sentence has none", () => {
    expect(factStems("quantity", casedWords("Japan acted."))).toBe(factStems("date", casedWords("It did.")));
  });

  it("is what suppliesAnswerTo tests against the question's own words", () => {
    const supplies = suppliesAnswerTo("Which bank did Japan sanction in March?");
    const sentence = "In March Japan sanctioned Sberbank.";
    let asked: string | undefined;
    expect(supplies(sentence, (type) => ((asked = type), factStems(type, casedWords(sentence))))).toBe(true);
    expect(asked).toBe("name");
    expect(supplies("In March Japan acted.")).toBe(false);
  });
});
